"""SendGrid's signed Event Webhook, checked against SendGrid's own test vector."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.email import Suppression
from plumbing.settings import get_settings
from tests.integration.helpers import row_counts


@pytest.fixture
def vector(reference: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """SendGrid's test vector, with the clock 30 s after it was signed (in 2020)."""
    data = json.loads((reference / "sendgrid" / "event_webhook_test_vector.json").read_text())
    monkeypatch.setenv("HUBFLOW_SENDGRID_WEBHOOK_PUBLIC_KEY", data["public_key_b64_der_spki"])
    get_settings.cache_clear()
    with time_machine.travel(signed_at(data) + timedelta(seconds=30), tick=False):
        yield dict(data)


def signed_at(vector: dict[str, str]) -> datetime:
    return datetime.fromtimestamp(int(vector["header_X-Twilio-Email-Event-Webhook-Timestamp"]), UTC)


def post(client: TestClient, body: str, vector: dict[str, str], **headers: str) -> object:
    return client.post(
        "/webhooks/sendgrid",
        content=body.encode(),
        headers={
            "X-Twilio-Email-Event-Webhook-Signature": vector[
                "header_X-Twilio-Email-Event-Webhook-Signature"
            ],
            "X-Twilio-Email-Event-Webhook-Timestamp": vector[
                "header_X-Twilio-Email-Event-Webhook-Timestamp"
            ],
            **headers,
        },
    )


def test_a_signed_dropped_event_suppresses_the_address(
    client: TestClient, session: Session, vector: dict[str, str]
) -> None:
    response = post(client, vector["raw_body"], vector)
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.json() == {"events": 1, "suppressed": 1, "recorded": 0}  # type: ignore[attr-defined]
    [row] = session.scalars(select(Suppression)).all()
    assert (row.email, row.reason.value) == ("hello@world.com", "dropped")
    assert "Bounced Address" in row.detail


def test_a_tampered_or_unsigned_body_is_refused_and_changes_nothing(
    client: TestClient, session: Session, vector: dict[str, str]
) -> None:
    before = row_counts(session)
    tampered = vector["raw_body"].replace("hello@world.com", "victim@example.org")
    assert post(client, tampered, vector).status_code == 403  # type: ignore[attr-defined]
    unsigned = client.post("/webhooks/sendgrid", content=vector["raw_body"].encode())
    assert unsigned.status_code == 403
    assert row_counts(session) == before


@pytest.mark.parametrize("skew", [timedelta(minutes=11), timedelta(minutes=-11)])
def test_a_signed_request_is_refused_outside_its_window(
    client: TestClient, session: Session, vector: dict[str, str], skew: timedelta
) -> None:
    """A captured request replayed later (or a clock far off) changes nothing."""
    before = row_counts(session)
    with time_machine.travel(signed_at(vector) + skew, tick=False):
        response = post(client, vector["raw_body"], vector)
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert "accepted within 600 s" in response.json()["error"]  # type: ignore[attr-defined]
    assert row_counts(session) == before


def test_without_a_key_the_webhook_is_off(client: TestClient) -> None:
    assert client.post("/webhooks/sendgrid", content=b"[]").status_code == 404
