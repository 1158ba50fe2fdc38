"""CSRF tokens, staff sessions, password hashing and rate limits for the web app (SPEC §8)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from plumbing.settings import Settings, get_settings

CSRF_COOKIE, STAFF_COOKIE, FLASH_COOKIE = "hubflow_csrf", "hubflow_staff", "hubflow_flash"


def _secret(settings: Settings) -> bytes:
    return settings.key().encode()


def _secure(settings: Settings) -> bool:
    return settings.base_url.startswith("https://")


# CSRF: a random value in a cookie, and in each form its HMAC under the secret key.
def csrf_cookie(request: Request) -> str:
    value = request.cookies.get(CSRF_COOKIE)
    if not value:
        value = request.state.new_csrf = secrets.token_urlsafe(24)
    return value


def _csrf_mac(cookie: str, request: Request) -> str:
    # Bound to the staff session as well, where there is one: a token taken from one
    # session is no good in another.
    bound = f"{cookie}|{request.cookies.get(STAFF_COOKIE, '')}"
    return hmac.new(_secret(get_settings()), bound.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    return _csrf_mac(csrf_cookie(request), request)


def csrf_valid(request: Request, submitted: str | None) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not submitted:
        return False
    return hmac.compare_digest(_csrf_mac(cookie, request), submitted)


def set_csrf_cookie(request: Request, response: Response) -> None:
    new = getattr(request.state, "new_csrf", None)
    if new:
        settings = get_settings()
        response.set_cookie(
            CSRF_COOKIE, new, httponly=True, samesite="lax", secure=_secure(settings)
        )


# Staff sessions: a signed, expiring cookie naming the staff member.
def _sessions(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.key(), salt="staff-session")


def login(response: Response, staff_id: int, version: int) -> None:
    """A session for the staff member, valid while their `session_version` is `version`."""
    settings = get_settings()
    response.set_cookie(
        STAFF_COOKIE,
        _sessions(settings).dumps({"staff": staff_id, "v": version}),
        httponly=True,
        samesite="lax",
        secure=_secure(settings),
        max_age=settings.staff_session_hours * 3600,
    )


def logout(response: Response) -> None:
    response.delete_cookie(STAFF_COOKIE)


def session_claims(request: Request) -> tuple[int, int] | None:
    """(staff id, session version) of a valid, unexpired session cookie; the caller checks
    the version against the staff member's current one."""
    token = request.cookies.get(STAFF_COOKIE)
    if not token:
        return None
    settings = get_settings()
    try:
        data = _sessions(settings).loads(token, max_age=settings.staff_session_hours * 3600)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    staff, version = data.get("staff"), data.get("v")
    if type(staff) is not int or type(version) is not int:
        return None
    return staff, version


# Rate limits, per client address, in this process. A sliding window counter: two
# counters per address, however high the limit.
_storage = MemoryStorage()
_limiter = SlidingWindowCounterRateLimiter(_storage)


@lru_cache(maxsize=16)
def _rate(rate: str) -> RateLimitItem:
    return parse(rate)


def allowed(request: Request, *, scope: str, rate: str, key: str = "") -> bool:
    """One more try within `rate` for this client address (as uvicorn saw it: forwarded
    headers count only from HUBFLOW_TRUSTED_PROXIES), or for `key` when given."""
    client = key or (request.client.host if request.client else "unknown")
    return _limiter.hit(_rate(rate), scope, client)


def login_allowed(request: Request, *, account: str, rate: str) -> bool:
    """One more login try at `account` from this address. Three budgets of `rate`: this
    address's (whatever account it tries), this address's at this account, and the
    account's count of addresses trying it. A flood from one address uses up only its
    own tries, so the right password still works from anywhere else; guessing from many
    addresses at once uses up the account's."""
    item = _rate(rate)
    client = request.client.host if request.client else "unknown"
    pair = f"{account}|{client}"
    first = _limiter.get_window_stats(item, "login-pair", pair).remaining == item.amount
    if not (_limiter.hit(item, "login", client) and _limiter.hit(item, "login-pair", pair)):
        return False
    return _limiter.hit(item, "login-account", account) if first else True
