"""SendGrid's signed Event Webhook: bounces, drops, spam reports and unsubscribes stop
further email to that address (SPEC §4)."""

from __future__ import annotations

import json
import time
from binascii import Error as Base64Error

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sendgrid.helpers.eventwebhook import EventWebhook

from hubflow.db import session_factory
from hubflow.settings import get_settings
from models.email import SuppressionReason
from models.services.suppressions import suppress

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
async def sendgrid_events(request: Request) -> JSONResponse:
    settings = get_settings()
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
    age = time.time() - int(timestamp) if timestamp.isdigit() else float("inf")
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
        assert isinstance(events, list)
    except (ValueError, AssertionError):
        return JSONResponse({"error": "expected a JSON list of events"}, status_code=400)
    wanted = [
        (str(e["email"]), REASONS[e["event"]], str(e.get("reason", "")))
        for e in events
        if isinstance(e, dict) and e.get("event") in REASONS and e.get("email")
    ]
    suppressed = await run_in_threadpool(_suppress_all, wanted)
    return JSONResponse({"events": len(events), "suppressed": suppressed})


def _suppress_all(wanted: list[tuple[str, SuppressionReason, str]]) -> int:
    with session_factory()() as session:
        return sum(
            suppress(session, email, reason, detail=f"SendGrid: {detail}")
            for email, reason, detail in wanted
        )
