"""CSRF tokens, staff sessions, password hashing and rate limits for the web app (SPEC §8)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from hubflow.settings import Settings, get_settings

CSRF_COOKIE, STAFF_COOKIE, FLASH_COOKIE = "hubflow_csrf", "hubflow_staff", "hubflow_flash"


def _secret(settings: Settings) -> bytes:
    return settings.secret_key.get_secret_value().encode()


def _secure(settings: Settings) -> bool:
    return settings.base_url.startswith("https://")


# CSRF: a random value in a cookie, and in each form its HMAC under the secret key.
def csrf_cookie(request: Request) -> str:
    value = request.cookies.get(CSRF_COOKIE)
    if not value:
        value = request.state.new_csrf = secrets.token_urlsafe(24)
    return value


def csrf_token(request: Request) -> str:
    key = _secret(get_settings())
    return hmac.new(key, csrf_cookie(request).encode(), hashlib.sha256).hexdigest()


def csrf_valid(request: Request, submitted: str | None) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not submitted:
        return False
    expected = hmac.new(_secret(get_settings()), cookie.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, submitted)


def set_csrf_cookie(request: Request, response: Response) -> None:
    new = getattr(request.state, "new_csrf", None)
    if new:
        settings = get_settings()
        response.set_cookie(
            CSRF_COOKIE, new, httponly=True, samesite="lax", secure=_secure(settings)
        )


# Staff sessions: a signed, expiring cookie naming the staff member.
def _sessions(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key.get_secret_value(), salt="staff-session")


def login(response: Response, staff_id: int) -> None:
    settings = get_settings()
    response.set_cookie(
        STAFF_COOKIE,
        _sessions(settings).dumps({"staff": staff_id}),
        httponly=True,
        samesite="lax",
        secure=_secure(settings),
        max_age=settings.staff_session_hours * 3600,
    )


def logout(response: Response) -> None:
    response.delete_cookie(STAFF_COOKIE)


def session_staff_id(request: Request) -> int | None:
    token = request.cookies.get(STAFF_COOKIE)
    if not token:
        return None
    settings = get_settings()
    try:
        data = _sessions(settings).loads(token, max_age=settings.staff_session_hours * 3600)
    except BadSignature:
        return None
    return int(data["staff"]) if isinstance(data, dict) and "staff" in data else None


# Passwords: argon2id.
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


# Rate limits, per client address, in this process. A sliding window counter: two
# counters per address, however high the limit.
_storage = MemoryStorage()
_limiter = SlidingWindowCounterRateLimiter(_storage)


@lru_cache(maxsize=16)
def _rate(rate: str) -> RateLimitItem:
    return parse(rate)


def allowed(request: Request, *, scope: str, rate: str) -> bool:
    client = request.client.host if request.client else "unknown"
    return _limiter.hit(_rate(rate), scope, client)


def reset_rate_limits() -> None:
    _storage.reset()
