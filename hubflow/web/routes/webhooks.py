"""SendGrid's signed Event Webhook: bounces, drops, spam reports and unsubscribes stop
further email to that address (SPEC §4)."""

from __future__ import annotations

import json
import time
from binascii import Error as Base64Error
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sendgrid.helpers.eventwebhook import EventWebhook
from sqlalchemy.orm import Session

from hubflow.web.boundary import ascii_int, unreadable
from hubflow.web.deps import Config, Db
from models.email import SuppressionReason
from models.services.suppressions import DELIVERY_EVENTS, record_deliveries, suppress

router = APIRouter()

REASONS = {
    "bounce": SuppressionReason.BOUNCE,
    "dropped": SuppressionReason.DROPPED,
    "spamreport": SuppressionReason.SPAMREPORT,
    "unsubscribe": SuppressionReason.UNSUBSCRIBE,
    "group_unsubscribe": SuppressionReason.UNSUBSCRIBE,
}
SIGNATURE = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP = "X-Twilio-Email-Event-Webhook-Timestamp"


@router.post("/webhooks/sendgrid")
async def sendgrid_events(request: Request, session: Db, settings: Config) -> JSONResponse:
    key = settings.sendgrid_webhook_public_key
    if key is None:
        return JSONResponse({"error": "the SendGrid webhook is not configured"}, status_code=404)
    body = (await request.body()).decode("utf-8", "replace")
    timestamp = request.headers.get(TIMESTAMP, "")
    try:
        valid = EventWebhook(key.get_secret_value()).verify_signature(
            body, request.headers.get(SIGNATURE, ""), timestamp
        )
    except (ValueError, Base64Error):
        valid = False
    if not valid:
        return JSONResponse({"error": "signature does not verify"}, status_code=403)
    numeric = timestamp.isascii() and timestamp.isdigit() and len(timestamp) < 16
    if not numeric:
        return JSONResponse({"error": "the timestamp is not a number of seconds"}, 403)
    age = time.time() - int(timestamp)
    if abs(age) > settings.sendgrid_webhook_max_age_seconds:
        return JSONResponse(
            {
                "error": f"signed {int(age)} s ago; accepted within "
                f"{settings.sendgrid_webhook_max_age_seconds} s (a replayed request?)"
            },
            status_code=403,
        )
    try:
        events = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python goes
        events = None
    problem = _wrong_shape(events)
    if problem:
        return JSONResponse({"error": problem}, status_code=400)
    wanted = [
        (e["email"], REASONS[e["event"]], str(e.get("reason", ""))[:500])
        for e in events
        if e.get("event") in REASONS and e.get("email")
    ]
    deliveries = [d for d in map(_delivery, events) if d is not None]
    suppressed = await run_in_threadpool(_suppress_all, session, wanted)
    recorded = await run_in_threadpool(record_deliveries, session, deliveries)
    return JSONResponse({"events": len(events), "suppressed": suppressed, "recorded": recorded})


def _delivery(event: dict[str, Any]) -> tuple[int, str, datetime] | None:
    """(email id, event, when) for an event about an email hubflow sent (its custom_args
    name it), or None."""
    email_id = ascii_int(str(event.get("hubflow_email_id", "")))
    stamp = event.get("timestamp")
    if email_id is None or not isinstance(stamp, int) or isinstance(stamp, bool):
        return None
    if not 0 < stamp < 2**32 or event.get("event") not in DELIVERY_EVENTS:
        return None
    return email_id, str(event["event"]), datetime.fromtimestamp(stamp, UTC)


def _wrong_shape(events: Any) -> str:
    """Why the events are not SendGrid's shape (a list of objects whose `event` and `email`
    are strings), or ""; signed or not, nothing is stored from a payload of another shape."""
    if not isinstance(events, list):
        return "expected a JSON list of events"
    for i, e in enumerate(events):
        if not isinstance(e, dict):
            return f"event {i}: expected an object"
        for field in ("event", "email"):
            value = e.get(field, "")
            if not isinstance(value, str) or len(value) > 254 or unreadable(value):
                return f"event {i}: {field} must be a short string of text"
        if not isinstance(e.get("reason", ""), str | int | float | None):
            return f"event {i}: reason must be text"
    return ""


def _suppress_all(session: Session, wanted: list[tuple[str, SuppressionReason, str]]) -> int:
    return sum(
        suppress(session, email, reason, detail=f"SendGrid: {detail}")
        for email, reason, detail in wanted
    )
