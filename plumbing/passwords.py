"""Staff passwords, hashed with argon2id: shared by the web login and the CLI."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(stored: str | None, password: str) -> bool:
    if not stored:
        _hasher().hash(password)  # same work either way: no timing hint about the account
        return False
    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
