"""Delivery backends behind one small interface, chosen from settings at call time (SPEC §4)."""

from __future__ import annotations

import email.policy
import json
import os
import threading
import urllib.error
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path
from typing import Any, Protocol

from python_http_client.exceptions import HTTPError
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import Category, CustomArg, From, Header, Mail, ReplyTo, To

from models.base import utcnow
from plumbing.private import write_private
from plumbing.settings import Settings, get_settings


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One claimed email, as a backend needs it."""

    id: int
    key: str
    kind: str
    hub_id: int | None
    to_email: str
    to_name: str
    subject: str
    html: str
    text: str
    unsubscribe_url: str


@dataclass(frozen=True, slots=True)
class Sent:
    provider_id: str


@dataclass(frozen=True, slots=True)
class Retry:
    """A temporary failure (429, 5xx, timeout): try again later. `throttled`: the provider
    asked us to slow down (429), which is not the email's fault and uses up no attempt."""

    reason: str
    after_seconds: float | None = None
    throttled: bool = False


@dataclass(frozen=True, slots=True)
class Failed:
    """A permanent failure: the provider refused the message."""

    reason: str


SendResult = Sent | Retry | Failed


class EmailBackend(Protocol):
    name: str

    def send(self, message: Outgoing) -> SendResult: ...


def _headers(message: Outgoing) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{message.unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


class OutboxBackend:
    """No network: each email becomes an .eml file (RFC 5322, both parts) a person can open."""

    name = "outbox"

    def __init__(self, settings: Settings) -> None:
        self.folder = Path(settings.outbox_dir)
        self.from_email = settings.from_email
        self.reply_to = settings.go_team_email
        self.sender = sender_name(settings)

    def send(self, message: Outgoing) -> SendResult:
        self.folder.mkdir(parents=True, exist_ok=True)
        mail = EmailMessage()
        mail["From"] = formataddr((self.sender, self.from_email))
        mail["To"] = formataddr((message.to_name, message.to_email))
        # Our emails invite replies: they reach the team, not the sending address.
        mail["Reply-To"] = formataddr((self.sender, self.reply_to))
        mail["Subject"] = message.subject
        mail["Date"] = format_datetime(utcnow())
        mail["Message-ID"] = make_msgid(idstring=str(message.id), domain="hubflow.local")
        mail["X-Hubflow-Key"] = message.key
        for name, value in _headers(message).items():
            mail[name] = value
        mail.set_content(message.text)
        mail.add_alternative(message.html, subtype="html")
        # Long headers (the key) folded at spaces, never RFC 2047-encoded: grep finds them.
        data = mail.as_bytes(policy=EML_POLICY)
        path = _new_file(self.folder, f"{message.id:07d}-{message.kind}", data)
        return Sent(provider_id=f"outbox:{path.name}")


EML_POLICY = email.policy.SMTP.clone(max_line_length=998)


def _new_file(folder: Path, stem: str, data: bytes) -> Path:
    """`stem.eml`, or `stem-2.eml`, `stem-3.eml`… when an email goes out again: a resend
    never overwrites what was sent before. Written whole or not at all."""
    tmp = folder / f".{stem}.tmp{threading.get_ident()}"
    write_private(tmp, data)  # a person's name and address: for the owner only
    n = 1
    while True:
        path = folder / (f"{stem}.eml" if n == 1 else f"{stem}-{n}.eml")
        try:
            os.link(tmp, path)  # fails if the name is taken: nothing is replaced
        except FileExistsError:
            n += 1
            continue
        tmp.unlink()
        return path


class SendGridBackend:
    """SendGrid v3 Mail Send through the official client."""

    name = "sendgrid"
    PERMANENT = frozenset({400, 401, 403, 404, 405, 413, 415})

    def __init__(self, settings: Settings) -> None:
        assert settings.sendgrid_api_key is not None  # Settings refuses sendgrid without one
        self.api_key = settings.sendgrid_api_key.get_secret_value()
        self.host = settings.sendgrid_host
        self.timeout = settings.sendgrid_timeout_seconds
        self.from_email = settings.from_email
        self.reply_to = settings.go_team_email
        self.sender = sender_name(settings)
        self._local = threading.local()  # the client keeps per-request state: one per thread

    def _client(self) -> SendGridAPIClient:
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = SendGridAPIClient(api_key=self.api_key, host=self.host)
        return client

    def request_body(self, message: Outgoing) -> dict[str, Any]:
        mail = Mail(
            from_email=From(self.from_email, self.sender),
            to_emails=To(message.to_email, message.to_name or None),
            subject=message.subject,
            plain_text_content=message.text,
            html_content=message.html,
        )
        mail.reply_to = ReplyTo(self.reply_to, self.sender)
        mail.category = [Category("hubflow"), Category(message.kind)]
        # Per-recipient custom_args (an object in the personalization; the schema's
        # top-level custom_args is a string) come back on every webhook event.
        for name, value in (
            ("hubflow_email_id", str(message.id)),
            ("hubflow_email_key", message.key),
            ("hubflow_hub_id", str(message.hub_id or "")),
        ):
            mail.personalizations[0].add_custom_arg(CustomArg(name, value))
        mail.header = [Header(k, v) for k, v in _headers(message).items()]
        body: dict[str, Any] = mail.get()
        return body

    def send(self, message: Outgoing) -> SendResult:
        try:
            response = self._client().client.mail.send.post(
                request_body=self.request_body(message), timeout=self.timeout
            )
        except HTTPError as exc:
            return self._http_error(exc)
        except (TimeoutError, urllib.error.URLError, ConnectionError) as exc:
            return Retry(f"SendGrid did not answer: {exc}")
        headers = response.headers or {}
        return Sent(provider_id=str(headers.get("X-Message-Id", "")) or "sendgrid")

    def _http_error(self, exc: HTTPError) -> SendResult:
        status = int(exc.status_code)
        text = _sendgrid_errors(exc.body)
        if status == 429 or status >= 500:
            after = (exc.headers or {}).get("Retry-After") if exc.headers else None
            return Retry(
                f"SendGrid answered {status}: {text}",
                float(after) if after and str(after).isascii() and str(after).isdigit() else None,
                throttled=status == 429,
            )
        return Failed(f"SendGrid refused the message ({status}): {text}")


def _sendgrid_errors(body: Any) -> str:
    raw = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
    try:
        errors = json.loads(raw).get("errors", [])
        messages = [
            e.get("message", "") + (f" ({e['field']})" if e.get("field") else "") for e in errors
        ]
        return "; ".join(m for m in messages if m) or raw[:500]
    except (ValueError, AttributeError):
        return raw[:500] or "no details"


@dataclass
class RecordingBackend:
    """A fake for tests and benchmarks: records what it is given, answers as told."""

    name: str = "recording"
    answers: list[SendResult] = field(default_factory=list)
    sent: list[Outgoing] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, message: Outgoing) -> SendResult:
        with self._lock:
            answer = self.answers.pop(0) if self.answers else Sent(f"fake-{message.id}")
            if isinstance(answer, Sent):
                self.sent.append(message)
        return answer


def get_backend(settings: Settings | None = None) -> EmailBackend:
    """The backend the settings name, built now (never at import)."""
    settings = settings or get_settings()
    if settings.email_backend == "sendgrid":
        return SendGridBackend(settings)
    return OutboxBackend(settings)


def sender_name(settings: Settings) -> str:
    """Who the emails are from: the campaign's team ("Mass-Care GO! Team")."""
    return f"{settings.campaign.name} {settings.campaign.team}"
