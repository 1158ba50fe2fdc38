"""Queuing, suppression, the .eml outbox and SendGrid against a local server (SPEC §4)."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.email import Email, EmailState, MessageKind, Suppression, SuppressionReason, Topic
from plumbing.email.backends import OutboxBackend, RecordingBackend, Retry, SendGridBackend
from plumbing.email.claims import due_count
from plumbing.email.dispatch import backoff, dispatch
from plumbing.email.fake_sendgrid import FakeSendGrid
from plumbing.email.outbox import Recipient, queue_email
from plumbing.settings import Settings, get_settings
from plumbing.tokens import read_unsubscribe_token
from tests.email_samples import EVIL, context
from tests.integration.test_cli import hubflow

BO = Recipient("Bo@Example.org", "Bo Diaz")


def queue(
    session: Session, key: str, to: Recipient = BO, kind: MessageKind = MessageKind.DUE_TODAY
) -> bool:
    with session.begin():
        return queue_email(session, key=key, kind=kind, to=to, context=context(kind))


def emails(session: Session) -> list[Email]:
    rows = list(session.scalars(select(Email).order_by(Email.id)))
    session.commit()
    return rows


def settings(**overrides: Any) -> Settings:
    return get_settings().model_copy(update=overrides)


def test_queuing_the_same_key_twice_queues_one_email(session: Session) -> None:
    assert queue(session, "hub-7/due_today/onboarding/2026-04-01") is True
    assert queue(session, "hub-7/due_today/onboarding/2026-04-01") is False
    [row] = emails(session)
    assert row.key == "hub-7/due_today/onboarding/2026-04-01/to:bo@example.org"
    assert (row.state, row.to_email, row.attempts) == (EmailState.PENDING, "bo@example.org", 0)
    assert row.subject == "South Shore M4A: your onboarding is due today"


def test_an_unsubscribed_address_gets_no_email_but_staff_messages_go_out(
    session: Session,
) -> None:
    with session.begin():
        session.add(Suppression(email="bo@example.org", reason=SuppressionReason.UNSUBSCRIBE))
    queue(session, "a")
    queue(
        session,
        "b",
        to=Recipient("bo@example.org", "Bo", staff=True),
        kind=MessageKind.REVIEW_ASSIGNED,
    )
    rows = emails(session)
    assert [r.state for r in rows] == [EmailState.SUPPRESSED, EmailState.PENDING]
    assert "unsubscribed" in rows[0].last_error


def test_an_address_that_unsubscribes_after_queuing_is_suppressed_at_send(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as s:
        queue(s, "a")
        with s.begin():
            s.add(Suppression(email="bo@example.org", reason=SuppressionReason.BOUNCE))
    backend = RecordingBackend()
    report = dispatch(sessions, backend=backend)
    assert backend.sent == [] and report.counts.total() == 0
    with sessions() as s:
        assert emails(s)[0].state is EmailState.SUPPRESSED


def test_the_outbox_backend_writes_an_eml_a_person_can_open(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with sessions() as s, s.begin():
        queue_email(
            s,
            key="k",
            kind=MessageKind.CHANGES_REQUESTED,
            to=BO,
            context=context(MessageKind.CHANGES_REQUESTED, name=EVIL),
        )
    assert due_count(sessions) == 1
    heard: list[str] = []
    report = dispatch(
        sessions,
        backend=OutboxBackend(settings(outbox_dir=tmp_path / "out")),
        progress=heard.append,
    )
    assert report.counts == {"sent": 1} and heard == ["sent"]  # what a progress bar hears
    assert due_count(sessions) == 0
    [path] = (tmp_path / "out").glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == "Bo Diaz <bo@example.org>"
    assert message["Subject"] == f"{EVIL}: a few changes to your first action"
    assert message["List-Unsubscribe"].startswith("<http://hubflow.test/unsubscribe/")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Please say how many people came." in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    with sessions() as s:
        row = emails(s)[0]
        assert (row.state, row.attempts, row.provider_message_id) == (
            EmailState.SENT,
            1,
            f"outbox:{path.name}",
        )


@pytest.fixture
def mail_schema(reference: Path) -> jsonschema.Draft202012Validator:
    doc = json.loads((reference / "sendgrid" / "tsg_mail_v3.json").read_text())
    pointer = "#/components/requestBodies/PostMailSend/content/application~1json/schema"
    return jsonschema.Draft202012Validator({**doc, "$ref": pointer})


def sendgrid(fake: FakeSendGrid, **overrides: Any) -> SendGridBackend:
    base = {
        "email_backend": "sendgrid",
        "sendgrid_api_key": SecretStr("SG.test"),
        "sendgrid_host": fake.url,
        "sendgrid_timeout_seconds": 0.5,
        "email_retry_base_seconds": 0.0,
    }
    return SendGridBackend(settings(**{**base, **overrides}))


def test_sendgrid_requests_validate_against_the_mail_send_schema(
    sessions: sessionmaker[Session], mail_schema: jsonschema.Draft202012Validator
) -> None:
    with sessions() as s:
        for kind in MessageKind:
            queue(s, f"k-{kind}", kind=kind)
    with FakeSendGrid() as fake:
        report = dispatch(sessions, backend=sendgrid(fake))
    assert report.counts == {"sent": len(MessageKind)}, [
        e.last_error for e in emails(sessions()) if e.last_error
    ]
    for body, headers in zip(fake.bodies, fake.headers, strict=True):
        mail_schema.validate(body)
        assert headers["Authorization"] == "Bearer SG.test"
        assert body["headers"]["List-Unsubscribe"].startswith("<http://hubflow.test/unsubscribe/")
        assert body["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "hubflow" in body["categories"]
        args = body["personalizations"][0]["custom_args"]
        assert args["hubflow_email_key"].startswith("k-") and args["hubflow_email_id"]
        assert [c["type"] for c in body["content"]] == ["text/plain", "text/html"]
        assert body["reply_to"] == {"email": "go-team@masscare.org", "name": "Mass-Care GO! Team"}
    kinds = {c for b in fake.bodies for c in b["categories"]} - {"hubflow"}
    assert kinds == {k.value for k in MessageKind}
    # An announcement's header stops announcements (its page offers everything too); a
    # reminder's stops reminders; news about the Hub's own work, everything.
    topics = {
        next(c for c in b["categories"] if c != "hubflow"): read_unsubscribe_token(
            b["headers"]["List-Unsubscribe"].strip("<>").rsplit("/", 1)[1]
        )[1]
        for b in fake.bodies
    }
    assert topics["announcement"] is Topic.ANNOUNCEMENTS
    assert topics["due_soon"] is Topic.REMINDERS and topics["stage_approved"] is None


def test_429_500_and_a_timeout_are_retried_and_each_email_goes_out_once(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as s:
        for n in range(5):
            queue(s, f"fault-{n}")
    with FakeSendGrid(script=[429, 500, "timeout"], hold=1.0) as fake:
        backend, total = sendgrid(fake), 0
        for _ in range(10):  # each pass sends what is due; retries are due at once here
            total += dispatch(
                sessions, backend=backend, settings=settings(email_retry_base_seconds=0)
            ).counts["sent"]
    assert total == 5
    assert set(fake.accepted.values()) == {1} and len(fake.accepted) == 5
    assert set(fake.requests.values()) == {4}
    with sessions() as s:  # the 429 asked us to wait: it used up no attempt
        assert {(r.state, r.attempts) for r in emails(s)} == {(EmailState.SENT, 3)}


def test_429s_wait_as_sendgrid_asks_and_use_up_no_attempt(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as s:
        queue(s, "throttled")
    rules = settings(email_retry_base_seconds=0, email_max_attempts=2)
    with FakeSendGrid(script=[429] * 5) as fake:  # each 429 says Retry-After: 0
        report = dispatch(sessions, backend=sendgrid(fake), settings=rules)
    assert report.counts == {"retrying": 5, "sent": 1}  # not "failed" after 2 attempts
    with sessions() as s:
        [row] = emails(s)
        assert (row.state, row.attempts) == (EmailState.SENT, 1)


def test_a_resent_email_never_overwrites_the_file_sent_before(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    backend = OutboxBackend(settings(outbox_dir=tmp_path / "out"))
    with sessions() as s:
        queue(s, "twice")
    dispatch(sessions, backend=backend)
    with sessions() as s, s.begin():  # as if a dispatcher died before recording it
        s.execute(
            Email.__table__.update().values(state=EmailState.PENDING)  # type: ignore[attr-defined]
        )
    dispatch(sessions, backend=backend)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["0000001-due_today-2.eml", "0000001-due_today.eml"]
    raw = (tmp_path / "out" / names[1]).read_bytes()
    assert b"X-Hubflow-Key: twice/to:bo@example.org" in raw  # readable: grep finds it


def test_a_400_marks_the_email_failed_with_sendgrids_reason(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    with sessions() as s:
        queue(s, "bad")
        queue(s, "good")
    with FakeSendGrid() as fake:
        fake.answer_for["bad/to:bo@example.org"] = 400
        report = dispatch(sessions, backend=sendgrid(fake))
    assert report.counts == {"sent": 1, "failed": 1}
    assert fake.requests["bad/to:bo@example.org"] == 1  # a permanent failure is not retried
    _, out = hubflow("outbox", "list", "--state", "failed", "--json")
    [failed] = json.loads(out)
    assert failed["last_error"] == "SendGrid refused the message (400): fake SendGrid says 400"
    _code, out = hubflow("outbox", "list")
    assert "SendGrid refused the message (400): fake SendGrid says 400" in out


def test_a_temporary_failure_gives_up_after_the_bounded_attempts(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as s:
        queue(s, "flaky")
    backend = RecordingBackend(answers=[Retry("SendGrid answered 503")] * 10)
    for _ in range(5):
        dispatch(
            sessions,
            backend=backend,
            settings=settings(email_max_attempts=3, email_retry_base_seconds=0),
        )
    with sessions() as s:
        [row] = emails(s)
    assert (row.state, row.attempts) == (EmailState.FAILED, 3)
    assert row.last_error == "gave up after 3 attempts: SendGrid answered 503"


def test_a_retry_waits_its_backoff_before_it_is_due_again(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        queue(s, "later")
    backend = RecordingBackend(answers=[Retry("429")])
    first = dispatch(sessions, backend=backend, settings=settings(email_retry_base_seconds=600))
    second = dispatch(sessions, backend=backend)
    assert (first.counts, second.counts.total()) == ({"retrying": 1}, 0)
    with sessions() as s:
        [row] = emails(s)
    assert row.state is EmailState.PENDING and row.next_attempt_at is not None


def test_backoff_grows_exponentially_with_jitter() -> None:
    assert [backoff(n, 10, rng=lambda: 0.5) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert backoff(3, 10, rng=lambda: 0.0) == 20 and backoff(3, 10, rng=lambda: 0.999) < 60


def test_every_email_has_reply_to_the_go_team(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with sessions() as s:
        for kind in MessageKind:
            queue(s, f"k-{kind}", kind=kind)
    dispatch(sessions, backend=OutboxBackend(settings(go_team_email="team@masscare.org")))
    paths = sorted(Path(get_settings().outbox_dir).glob("*.eml"))
    assert len(paths) == len(MessageKind)
    for path in paths:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert message["Reply-To"] == "Mass-Care GO! Team <team@masscare.org>", path.name


def test_a_contact_who_unsubscribed_still_gets_the_fresh_link_they_asked_for(
    sessions: sessionmaker[Session],
) -> None:
    from models.services.suppressions import suppress

    with sessions() as s:
        suppress(s, "bo@example.org", SuppressionReason.UNSUBSCRIBE)
        suppress(s, "gone@example.org", SuppressionReason.BOUNCE)
        queue(s, "link", kind=MessageKind.HUB_LINK)
        queue(s, "reminder", kind=MessageKind.DUE_SOON)
        queue(s, "bounced", to=Recipient("gone@example.org", "Gone"), kind=MessageKind.HUB_LINK)
    report = dispatch(sessions, backend=OutboxBackend(get_settings()))
    assert report.counts == {"sent": 1}
    states = {(e.kind, e.to_email): e.state for e in emails(sessions())}
    assert states == {
        (MessageKind.HUB_LINK, "bo@example.org"): EmailState.SENT,
        (MessageKind.DUE_SOON, "bo@example.org"): EmailState.SUPPRESSED,
        (MessageKind.HUB_LINK, "gone@example.org"): EmailState.SUPPRESSED,
    }


def test_a_fresh_link_queued_before_an_unsubscribe_still_goes_out(
    sessions: sessionmaker[Session],
) -> None:
    from models.services.suppressions import suppress

    with sessions() as s:
        queue(s, "link", kind=MessageKind.HUB_LINK)
        queue(s, "reminder", kind=MessageKind.DUE_TODAY)
        suppress(s, "bo@example.org", SuppressionReason.UNSUBSCRIBE)
    assert dispatch(sessions, backend=OutboxBackend(get_settings())).counts == {"sent": 1}
    assert [(e.kind, e.state) for e in emails(sessions())] == [
        (MessageKind.HUB_LINK, EmailState.SENT),
        (MessageKind.DUE_TODAY, EmailState.SUPPRESSED),
    ]


ODD_BUT_VALID = [
    ("Zoë O'Brien-Łukasz", "o'brien+hub@example.org"),
    ("李小龙", "a.b-c_d@sub.example.co.uk"),
    ('Bo "Bear" Diaz, Jr.', "UPPER@Example.ORG"),
    ('Ann (the "Boss") Lee <not@an.address>', "x@example.museum"),
    ("José 🚀 " + "de la Cruz " * 15, "first.last@example.org"),
]


@pytest.mark.parametrize("backend", ["outbox", "sendgrid"])
def test_every_contact_the_forms_accept_can_be_emailed_by_both_backends(
    sessions: sessionmaker[Session], backend: str
) -> None:
    from models.forms import InterestForm, parse
    from tests import factories

    names = []
    with sessions() as s:
        for i, (name, address) in enumerate(ODD_BUT_VALID):
            form = parse(
                InterestForm, factories.interest_form(contact_name=name[:200], email=address)
            )
            names.append(form.contact_name)
            queue(s, f"odd-{i}", to=Recipient(str(form.email), form.contact_name))
    if backend == "outbox":
        report = dispatch(sessions, backend=OutboxBackend(get_settings()))
        assert report.counts == {"sent": len(ODD_BUT_VALID)}
        for path in Path(get_settings().outbox_dir).glob("*.eml"):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            assert message["To"].addresses[0].display_name in names
    else:
        with FakeSendGrid() as fake:
            report = dispatch(sessions, backend=sendgrid(fake))
        assert report.counts == {"sent": len(ODD_BUT_VALID)}
