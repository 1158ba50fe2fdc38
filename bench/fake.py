"""Dispatch, timed, to the fake SendGrid in its own process (as SendGrid would be: it must
not share our GIL): what the dispatch and announce benches measure."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from plumbing.email.backends import SendGridBackend
from plumbing.email.dispatch import dispatch
from plumbing.settings import get_settings


@dataclass(frozen=True)
class Dispatched:
    report: Any
    elapsed: float  # seconds
    stats: dict[str, int]  # counted by the fake: accepted, distinct
    concurrency: int


def dispatched(
    sessions: sessionmaker[Session], *, delay: float, concurrency: int | None = None
) -> Dispatched:
    """Every due email sent to a fake SendGrid answering after `delay` seconds."""
    fake = subprocess.Popen(
        [sys.executable, "-m", "plumbing.email.fake_sendgrid", "--delay", str(delay)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert fake.stdout is not None
        url = fake.stdout.readline().strip()
        settings = get_settings().model_copy(
            update={
                "email_backend": "sendgrid",
                "sendgrid_api_key": SecretStr("SG.bench"),
                "sendgrid_host": url,
            }
        )
        concurrency = concurrency or settings.dispatch_concurrency
        started = time.perf_counter()
        report = dispatch(
            sessions, backend=SendGridBackend(settings), settings=settings, concurrency=concurrency
        )
        elapsed = time.perf_counter() - started
        with urllib.request.urlopen(f"{url}/stats") as response:
            stats = json.load(response)
    finally:
        fake.terminate()
        fake.wait()
    return Dispatched(report, elapsed, stats, concurrency)
