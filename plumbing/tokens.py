"""Signed links: a Hub's private page (expires) and a recipient's unsubscribe link."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import want_bytes

from models.email import Topic
from plumbing.settings import Settings, get_settings


class LinkRefused(Exception):
    """A link that was tampered with, has expired, or was revoked."""


def _serializer(salt: str, settings: Settings) -> URLSafeTimedSerializer:
    return _made(salt, settings.key())


@lru_cache(maxsize=16)
def _made(salt: str, key: str) -> URLSafeTimedSerializer:
    """One serializer per salt and key: the sweep signs two links per email."""
    return URLSafeTimedSerializer(key, salt=salt, signer=_KeptKeySigner)


class _KeptKeySigner(TimestampSigner):
    """Derives each key once: itsdangerous makes a signer per signature and derives its
    key again every time."""

    _kept: dict[tuple[bytes, bytes, str], bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        secret = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        where = (secret, self.salt, self.key_derivation)
        if where not in self._kept:
            self._kept[where] = super().derive_key(secret)
        return self._kept[where]


def hub_token(hub_id: int, token_version: int, *, settings: Settings | None = None) -> str:
    return _serializer("hub-link", settings or get_settings()).dumps([hub_id, token_version])


def hub_url(hub_id: int, token_version: int, *, settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    return (
        f"{settings.base_url.rstrip('/')}/hub/{hub_token(hub_id, token_version, settings=settings)}"
    )


def read_hub_link(token: str, *, settings: Settings | None = None) -> tuple[int, int, datetime]:
    """The (hub id, token version, expiry) of a valid link, or LinkRefused."""
    settings = settings or get_settings()
    max_age = settings.hub_link_max_age_days * 86400
    try:
        (hub_id, version), signed_at = _serializer("hub-link", settings).loads(
            token, max_age=max_age, return_timestamp=True
        )
    except SignatureExpired:
        raise LinkRefused("this link has expired; ask for a fresh one") from None
    except (BadSignature, ValueError, TypeError):
        raise LinkRefused("this link is not valid") from None
    if type(hub_id) is not int or type(version) is not int:
        raise LinkRefused("this link is not valid")
    return hub_id, version, signed_at + timedelta(seconds=max_age)


def unsubscribe_token(
    email: str, *, topic: Topic | None = None, settings: Settings | None = None
) -> str:
    """A recipient's unsubscribe link: for one topic (a reminder's link stops reminders), or
    without one for everything (the links sent before topics existed are such links)."""
    payload: str | list[str] = email.lower() if topic is None else [email.lower(), topic.value]
    return _serializer("unsubscribe", settings or get_settings()).dumps(payload)


def unsubscribe_url(
    email: str, *, topic: Topic | None = None, settings: Settings | None = None
) -> str:
    settings = settings or get_settings()
    token = unsubscribe_token(email, topic=topic, settings=settings)
    return f"{settings.base_url.rstrip('/')}/unsubscribe/{token}"


def read_unsubscribe_token(
    token: str, *, settings: Settings | None = None
) -> tuple[str, Topic | None]:
    """The address an unsubscribe link is for, and the topic it stops (None: everything)."""
    try:
        payload = _serializer("unsubscribe", settings or get_settings()).loads(token)
    except BadSignature:
        raise LinkRefused("this unsubscribe link is not valid") from None
    address, topic = payload if isinstance(payload, list) and len(payload) == 2 else (payload, None)
    # Signed, but no address hubflow emails (one signed with a stolen or old key): refused
    # before it reaches a query.
    if not isinstance(address, str) or not 3 <= len(address) <= 254 or not address.isprintable():
        raise LinkRefused("this unsubscribe link is not valid")
    if topic is not None and topic not in {t.value for t in Topic}:
        raise LinkRefused("this unsubscribe link is not valid")
    return address, Topic(topic) if topic is not None else None


RECEIPT_MAX_AGE = 86400  # a day: long enough to reload, short enough to leave no trail


def receipt_token(hub_id: int, *, new: bool, settings: Settings | None = None) -> str:
    """Where a sent interest form's answer page lives, for the one who sent it: the Hub,
    and whether the form made it (a repeat of a known group's form shows nothing stored)."""
    return _serializer("receipt", settings or get_settings()).dumps([hub_id, new])


def read_receipt_token(token: str, *, settings: Settings | None = None) -> tuple[int, bool]:
    try:
        value = _serializer("receipt", settings or get_settings()).loads(
            token, max_age=RECEIPT_MAX_AGE
        )
    except SignatureExpired:
        raise LinkRefused("this page has expired; your form was received all the same") from None
    except BadSignature:
        raise LinkRefused("this link is not valid") from None
    if not (isinstance(value, list) and len(value) == 2 and type(value[0]) is int):
        raise LinkRefused("this link is not valid")
    return value[0], bool(value[1])


CONFIRM_MAX_AGE = 7 * 86400  # a week to confirm an address that had been forgotten


def confirm_url(address: str, hub_id: int, *, settings: Settings | None = None) -> str:
    """The link that brings back an address its owner once asked hubflow to forget."""
    settings = settings or get_settings()
    token = _serializer("confirm-address", settings).dumps([address.lower(), hub_id])
    return f"{settings.base_url.rstrip('/')}/confirm/{token}"


def read_confirm_token(token: str, *, settings: Settings | None = None) -> tuple[str, int]:
    try:
        address, hub_id = _serializer("confirm-address", settings or get_settings()).loads(
            token, max_age=CONFIRM_MAX_AGE
        )
    except (BadSignature, ValueError, TypeError):
        raise LinkRefused("this link is not valid, or more than a week old") from None
    if not isinstance(address, str) or not isinstance(hub_id, int) or len(address) > 254:
        raise LinkRefused("this link is not valid")
    return address, hub_id


NEWCOMER_MAX_AGE = 90 * 86400  # a Hub's contact for new people follows up within weeks


def newcomer_url(newcomer_id: int, hub_id: int, *, settings: Settings | None = None) -> str:
    """The link a Hub's contact for new people marks a newcomer reached with: for that Hub
    and that newcomer only."""
    settings = settings or get_settings()
    token = _serializer("newcomer", settings).dumps([newcomer_id, hub_id])
    return f"{settings.base_url.rstrip('/')}/newcomer/{token}"


def read_newcomer_token(token: str, *, settings: Settings | None = None) -> tuple[int, int]:
    try:
        value = _serializer("newcomer", settings or get_settings()).loads(
            token, max_age=NEWCOMER_MAX_AGE
        )
    except (BadSignature, ValueError, TypeError):
        raise LinkRefused("this link is not valid, or more than 90 days old") from None
    if not (isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value)):
        raise LinkRefused("this link is not valid")
    return value[0], value[1]
