"""Trust (SPEC §8): no default secret, sessions and links that can be ended, throttled
logins that a forged header cannot get around, headers and cookies as a browser needs."""

from __future__ import annotations

import base64
import json
import os
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hubflow.web import security
from hubflow.web.app import create_app
from models.email import Suppression
from models.enums import Stage
from models.services import hubs
from models.services.common import Actor
from models.services.owners import deactivate
from models.services.staff import set_password_hash
from models.staff import StaffMember
from plumbing.passwords import hash_password
from plumbing.settings import get_settings
from plumbing.tokens import hub_token
from tests import factories
from tests.integration.helpers import row_counts
from tests.integration.test_cli import hubflow
from tests.web.conftest import PASSWORD, csrf, log_in, reset_rate_limits


def without_key(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.delenv("HUBFLOW_SECRET_KEY", raising=False)
    monkeypatch.setenv("HUBFLOW_DATA_DIR", str(folder))
    get_settings.cache_clear()


def test_the_web_app_and_serve_refuse_to_start_without_a_key_or_with_the_old_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    without_key(monkeypatch, tmp_path)
    with pytest.raises(SystemExit, match="HUBFLOW_SECRET_KEY is not set: run `hubflow init`"):
        create_app()
    code, out = hubflow("serve")
    assert code == 1 and "HUBFLOW_SECRET_KEY is not set" in out
    monkeypatch.setenv("HUBFLOW_SECRET_KEY", "dev-only-secret-change-me")
    get_settings.cache_clear()
    with pytest.raises(SystemExit, match="a published key"):
        create_app()
    monkeypatch.setenv("HUBFLOW_DEV_MODE", "1")  # explicitly a throwaway development run
    get_settings.cache_clear()
    create_app()


def test_init_writes_a_private_key_once_and_the_app_then_starts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str
) -> None:
    without_key(monkeypatch, tmp_path)
    code, out = hubflow("init")
    assert code == 0 and "Wrote a new secret key" in out, out
    key_file = tmp_path / "secret_key"
    first = key_file.read_text()
    assert len(first.strip()) >= 40 and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    code, out = hubflow("init")
    assert code == 0 and "Wrote a new secret key" not in out
    assert key_file.read_text() == first  # kept: links already sent keep working
    get_settings.cache_clear()
    assert get_settings().key() == first.strip()
    create_app()


# -- staff sessions and Hub links that can be ended ------------------------------------


def test_a_staff_cookie_replayed_after_logout_password_change_or_leaving_is_refused(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    def replay(cookie: str) -> int:
        fresh = TestClient(create_app(), base_url="http://hubflow.test")
        fresh.cookies.set(security.STAFF_COOKIE, cookie)
        return fresh.get("/staff", follow_redirects=False).status_code

    for end in ("logout", "password", "deactivate"):
        if end == "deactivate":
            factories.staff(session, name="Bea", email="bea@masscare.org")
            member = set_password_hash(session, "bea@masscare.org", hash_password(PASSWORD))
        else:
            member = staff_member
        assert log_in(client, member.email).status_code == 303
        cookie = client.cookies[security.STAFF_COOKIE]
        assert replay(cookie) == 200
        if end == "logout":
            client.post("/staff/logout", data={"csrf_token": csrf(client, "/staff")})
        elif end == "password":
            set_password_hash(session, member.email, hash_password("another one!"))
        else:
            deactivate(session, member.email, actor=Actor.system("test"))
        assert replay(cookie) == 303, end  # to the login page
        client.cookies.clear()


def test_a_csrf_token_from_another_session_is_refused(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    log_in(client, staff_member.email)
    token = csrf(client, "/staff")
    hub = hubs.submit_interest(session, factories.interest_form())
    sub = factories.pending(session, hub)
    client.post("/staff/logout", data={"csrf_token": token})
    log_in(client, staff_member.email)  # a new session, the same browser
    response = client.post(
        f"/staff/submissions/{sub.id}/decide", data={"csrf_token": token, "decision": "approve"}
    )
    assert response.status_code == 403
    fresh = csrf(client, "/staff")  # this session's own token works
    assert fresh != token
    response = client.post(
        f"/staff/submissions/{sub.id}/decide", data={"csrf_token": fresh, "decision": "approve"}
    )
    assert response.status_code == 200 and "interest approved." in response.text


def test_revoked_hub_links_ask_for_a_fresh_one_and_the_page_says_when_its_link_ends(
    staff_client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=staff_member)
    old = f"/hub/{hub_token(hub.id, hub.token_version)}"
    assert "This page's private link works until" in staff_client.get(old).text
    response = staff_client.post(
        f"/staff/hubs/{hub.id}/revoke-links",
        data={"csrf_token": csrf(staff_client, f"/staff/hubs/{hub.id}")},
    )
    assert "no longer works" in response.text
    refused = staff_client.get(old)
    assert refused.status_code == 404 and 'action="/hub/link"' in refused.text
    assert staff_client.get(f"/hub/{hub_token(hub.id, hub.token_version + 1)}").status_code == 200


# -- names and addresses every email can carry -----------------------------------------


@pytest.mark.parametrize(
    "name", ["Bo\r\nBcc: all@example.org", "Bo\u2028Diaz", "Bo\x00", "=?utf-8?q?Ann?="]
)
def test_a_name_that_would_break_an_email_is_refused_at_join(
    client: TestClient, session: Session, name: str
) -> None:
    before = row_counts(session)
    data = {k: str(v) for k, v in factories.interest_form(contact_name=name).items()}
    response = client.post(
        "/join",
        data={**data, "towns": "Quincy", "consent_to_contact": "yes", "csrf_token": csrf(client)},
    )
    assert response.status_code == 422 and 'id="contact_name-error"' in response.text
    assert row_counts(session) == before


def test_an_address_with_non_ascii_letters_is_refused_with_a_clear_message(
    client: TestClient,
) -> None:
    data = {k: str(v) for k, v in factories.interest_form(email="zoë@example.org").items()}
    response = client.post(
        "/join",
        data={**data, "towns": "Quincy", "consent_to_contact": "yes", "csrf_token": csrf(client)},
    )
    assert "Use an address with only plain letters" in response.text


# -- the webhook takes only SendGrid's shape ------------------------------------------


@pytest.fixture
def signing_key(monkeypatch: pytest.MonkeyPatch) -> ec.EllipticCurvePrivateKey:
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    monkeypatch.setenv("HUBFLOW_SENDGRID_WEBHOOK_PUBLIC_KEY", base64.b64encode(public).decode())
    get_settings.cache_clear()
    return key


def signed_post(client: TestClient, key: ec.EllipticCurvePrivateKey, body: str) -> httpx.Response:
    timestamp = str(int(time.time()))
    signature = key.sign((timestamp + body).encode(), ec.ECDSA(hashes.SHA256()))
    return client.post(
        "/webhooks/sendgrid",
        content=body.encode(),
        headers={
            "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
            "X-Twilio-Email-Event-Webhook-Timestamp": timestamp,
        },
    )


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"event": "bounce", "email": "a@example.org"}),  # an object, not a list
        json.dumps([["bounce", "a@example.org"]]),
        json.dumps([{"event": ["bounce"], "email": "a@example.org"}]),
        json.dumps([{"event": "bounce", "email": {"a": 1}}]),
        json.dumps([{"event": "bounce", "email": "a\u0000@example.org"}]),
        "[" * 100_000 + "]" * 100_000,  # deeper than Python's parser goes
        "not json",
    ],
)
def test_a_signed_payload_of_the_wrong_shape_is_refused_and_stores_nothing(
    client: TestClient, session: Session, signing_key: ec.EllipticCurvePrivateKey, body: str
) -> None:
    response = signed_post(client, signing_key, body)
    assert response.status_code == 400, response.text
    assert session.scalars(select(Suppression)).all() == []


def test_a_signed_list_of_events_suppresses(
    client: TestClient, session: Session, signing_key: ec.EllipticCurvePrivateKey
) -> None:
    body = json.dumps([{"event": "bounce", "email": "a@example.org", "reason": "550"}])
    assert signed_post(client, signing_key, body).json() == {
        "events": 1,
        "suppressed": 1,
        "recorded": 0,
    }


# -- headers and cookies ---------------------------------------------------------------


def test_private_pages_are_not_stored_and_https_brings_hsts_and_secure_cookies(
    client: TestClient,
    session: Session,
    staff_member: StaffMember,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=staff_member)
    log_in(client, staff_member.email)
    for path in ("/staff", "/staff/queue", f"/hub/{hub_token(hub.id, 1)}", "/staff/login"):
        assert client.get(path).headers["cache-control"] == "no-store", path
    assert "cache-control" not in client.get("/hubs").headers
    assert "strict-transport-security" not in client.get("/join").headers
    monkeypatch.setenv("HUBFLOW_BASE_URL", "https://hubs.masscare.org")
    get_settings.cache_clear()
    secure = TestClient(create_app(), base_url="https://hubflow.test")
    page = secure.get("/join")
    assert page.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "Secure" in page.headers["set-cookie"]
    login = log_in(secure, staff_member.email)
    assert all("Secure" in c for c in login.headers.get_list("set-cookie"))


def test_no_cookie_grows_past_four_kilobytes(staff_client: TestClient, session: Session) -> None:
    legislator = factories.house_rep(session)
    response = staff_client.post(
        f"/staff/legislators/{legislator.id}/stance",
        data={"csrf_token": csrf(staff_client, "/staff/legislators"), "stance": "x" * 100_000},
        follow_redirects=False,
    )
    sizes = [len(c) for c in response.headers.get_list("set-cookie")]
    assert sizes and max(sizes) < 4096


def test_healthz_says_ok_or_not_without_internals(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hubflow.web.app as app_module

    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}

    def down_database() -> None:
        raise OSError("connection to 10.1.2.3 port 5432 refused")

    monkeypatch.setattr(app_module, "ping", down_database)
    down = client.get("/healthz")
    assert down.status_code == 503
    assert down.json() == {"status": "error", "database": "unavailable"}
    assert "5432" not in down.text and "10.1.2.3" not in down.text


# -- login throttling behind a real uvicorn ---------------------------------------------


@contextmanager
def served(*, trusted_proxies: str = "") -> Iterator[str]:
    """The app behind uvicorn as `hubflow serve` configures it, on a free port."""
    import socket

    import uvicorn

    from hubflow.runtime.serve import web_config

    os.environ["HUBFLOW_TRUSTED_PROXIES"] = trusted_proxies
    get_settings.cache_clear()
    reset_rate_limits()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(web_config(create_app(), host="127.0.0.1", port=port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        os.environ.pop("HUBFLOW_TRUSTED_PROXIES", None)
        get_settings.cache_clear()


def login_codes(base: str, emails: list[str]) -> list[int]:
    """A login attempt for each email, each from another address in X-Forwarded-For."""
    with httpx.Client(base_url=base) as web:
        page = web.get("/staff/login").text
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        codes = []
        for i, email in enumerate(emails):
            headers = {"X-Forwarded-For": f"203.0.113.{i + 1}"}
            form = {"csrf_token": token, "email": email, "password": "wrong", "next": "/staff"}
            codes.append(web.post("/staff/login", data=form, headers=headers).status_code)
        return codes


@pytest.mark.usefixtures("steady_clock", "staff_member")
def test_rotating_x_forwarded_for_buys_no_extra_logins() -> None:
    emails = [f"guess{i}@masscare.org" for i in range(12)]  # twelve accounts: the address limits
    with served() as base:  # no proxy trusted: the header is ignored
        assert login_codes(base, emails) == [401] * 10 + [429] * 2


@pytest.mark.usefixtures("steady_clock", "staff_member")
def test_one_account_is_throttled_across_addresses() -> None:
    with served(trusted_proxies="127.0.0.1") as base:  # as behind a real proxy
        assert login_codes(base, [f"other{i}@masscare.org" for i in range(12)]) == [401] * 12
        reset_rate_limits()
        assert login_codes(base, ["ann@masscare.org"] * 12) == [401] * 10 + [429] * 2


WEAK_KEYS = [
    "x",  # short
    "0123456789abcdef0123456789ab",  # short
    "a" * 64,  # long, but not random
    "test-secret",  # in the repository (the tests' key until now)
    "bench-only-key-that-protects-nothing",  # in the repository (the benches')
    "dev-only-secret-change-me",  # published
    "CHANGEME",
]


@pytest.mark.parametrize("weak", WEAK_KEYS)
def test_short_published_and_repository_keys_are_refused_in_one_line_and_never_printed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, weak: str
) -> None:
    without_key(monkeypatch, tmp_path)
    monkeypatch.setenv("HUBFLOW_SECRET_KEY", weak)
    get_settings.cache_clear()
    with pytest.raises(SystemExit) as refused:
        create_app()
    assert weak not in str(refused.value)
    code, out = hubflow("web", "--port", "1")
    lines = [line for line in out.splitlines() if line.strip()]
    assert code == 1 and len(lines) == 1 and "HUBFLOW_SECRET_KEY is" in lines[0], out
    assert weak not in out or len(weak) < 2  # the key itself is never printed


@pytest.mark.parametrize("weak", ["test-secret", "bench-only-key-that-protects-nothing"])
def test_a_staff_cookie_forged_with_a_repository_key_opens_nothing(
    client: TestClient, staff_member: StaffMember, weak: str
) -> None:
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer(weak, salt="staff-session").dumps(
        {"staff": staff_member.id, "v": staff_member.session_version}
    )
    client.cookies.set(security.STAFF_COOKIE, forged)
    response = client.get("/staff", follow_redirects=False)
    assert response.status_code == 303 and "/staff/login" in response.headers["location"]
    assert (
        client.get("/staff/export/contacts.csv?private=1", follow_redirects=False).status_code
        == 303
    )


@pytest.mark.usefixtures("steady_clock")
def test_fifty_wrong_passwords_from_one_address_do_not_lock_out_the_right_one_from_another(
    staff_member: StaffMember,
) -> None:
    with served(trusted_proxies="127.0.0.1") as base, httpx.Client(base_url=base) as web:
        page = web.get("/staff/login").text
        token = page.split('name="csrf_token" value="')[1].split('"')[0]

        def attempt(password: str, address: str) -> int:
            form = {
                "csrf_token": token,
                "email": staff_member.email,
                "password": password,
                "next": "/staff",
            }
            headers = {"X-Forwarded-For": address}
            return web.post("/staff/login", data=form, headers=headers).status_code

        flood = [attempt("wrong", "198.51.100.7") for _ in range(50)]
        assert flood == [401] * 10 + [429] * 40  # guessing stays throttled
        assert attempt(PASSWORD, "203.0.113.20") == 303  # the owner, elsewhere, gets in


def test_process_without_a_key_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    without_key(monkeypatch, tmp_path)
    code, out = hubflow("process")
    lines = [line for line in out.splitlines() if line.strip()]
    assert code == 1 and len(lines) == 1 and "HUBFLOW_SECRET_KEY is not set" in lines[0], out
