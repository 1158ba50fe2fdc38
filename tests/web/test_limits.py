"""The last server errors an attacker found (SPEC §8): each is now a clear refusal, on
SQLite and PostgreSQL; and a body too large is refused before it is read."""

from __future__ import annotations

import json
import re

from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from models.enums import Stage
from models.staff import StaffMember
from plumbing.settings import get_settings
from plumbing.tokens import _serializer, hub_token
from tests import factories
from tests.integration.helpers import row_counts
from tests.web.conftest import csrf
from tests.web.test_trust import signed_post, signing_key

__all__ = ["signing_key"]


def test_a_plan_naming_a_legislator_id_of_30_digits_is_refused_on_its_field(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.STRATEGIC_PLAN, reviewer=staff_member)
    url = f"/hub/{hub_token(hub.id, hub.token_version)}"
    page = client.get(url).text
    fields = dict(re.findall(r'name="(targets-0-[a-z_]+)" value="([^"]*)"', page))
    before = row_counts(session)
    response = client.post(
        f"{url}/submit",
        data={
            **fields,
            "csrf_token": csrf(client, url),
            "targets-0-legislator_id": "9" * 30,
            "targets-0-legislator": "Someone",
            "targets-0-stance": "not_cosponsor",
            "targets-0-goal": "win_cosponsorship",
            "targets-0-tactics": "Meetings in the district and calls.",
            "targets-0-target_date": "2031-01-01",
        },
    )
    assert response.status_code == 422, response.text[:300]
    assert row_counts(session) == before


def test_a_signed_webhook_with_a_timestamp_that_is_no_number_is_refused(
    client: TestClient, signing_key: ec.EllipticCurvePrivateKey
) -> None:
    import base64

    from cryptography.hazmat.primitives import hashes

    body = json.dumps([{"event": "bounce", "email": "a@example.org"}])
    for stamp in ("tomorrow", "1e9", "-5", "9" * 40):
        signature = signing_key.sign((stamp + body).encode(), ec.ECDSA(hashes.SHA256()))
        response = client.post(
            "/webhooks/sendgrid",
            content=body.encode(),
            headers={
                "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
                "X-Twilio-Email-Event-Webhook-Timestamp": stamp,
            },
        )
        assert response.status_code == 403, (stamp, response.text)
    assert signed_post(client, signing_key, body).status_code == 200


def test_an_unsubscribe_token_for_no_real_address_is_refused(client: TestClient) -> None:
    sign = _serializer("unsubscribe", get_settings()).dumps
    for address in ("nul\x00@example.org", "a" * 10_000 + "@example.org", "", ["a"]):
        response = client.get(f"/unsubscribe/{sign(address)}")
        assert response.status_code == 404 and "not valid" in response.text
        assert client.post(f"/unsubscribe/{sign(address)}").status_code == 404


def test_a_long_search_is_refused_naming_it(staff_client: TestClient) -> None:
    # 10,000 characters, as long as a URL a client sends gets (100 kB reached the server)
    for path in ("/staff/hubs?q=", "/staff/queue?q=", "/hubs?town="):
        response = staff_client.get(path + "a%25" * 5_000)
        assert response.status_code == 400, (path, response.status_code)
        assert "keep it under 500 characters" in response.text


def test_a_10_mb_webhook_body_is_refused_before_it_is_read(client: TestClient) -> None:
    response = client.post(
        "/webhooks/sendgrid",
        content=b"[" + b" " * (10 * 1024 * 1024) + b"]",
        headers={"X-Twilio-Email-Event-Webhook-Timestamp": "1"},
    )
    assert response.status_code == 413 and "4,096 kB" in response.text
    big_form = client.post("/join", data={"csrf_token": "x", "group_name": "x" * 2_000_000})
    assert big_form.status_code == 413
