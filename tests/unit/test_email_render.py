"""Every message renders in both parts, reads like a person wrote it, and escapes user text."""

from __future__ import annotations

import re

import pytest
from jinja2 import UndefinedError

from models.email import MessageKind
from plumbing.email.render import environment, longdate, render
from tests.email_samples import EVIL, context


@pytest.mark.parametrize("kind", list(MessageKind))
def test_every_message_kind_renders_both_parts(kind: MessageKind) -> None:
    subject, html, text = render(kind, context(kind))
    assert subject and "\n" not in subject
    assert html.startswith("<!DOCTYPE html>") and "</html>" in html
    assert "The Mass-Care GO! Team" in text and "The Mass-Care GO! Team" in html
    assert "http://hubflow.test/u/x" in text and 'href="http://hubflow.test/u/x"' in html
    assert "{{" not in text + html and "{%" not in text + html


@pytest.mark.parametrize("kind", list(MessageKind))
def test_a_template_needing_a_variable_the_context_lacks_fails(kind: MessageKind) -> None:
    needed = {
        MessageKind.DAILY_DIGEST: "digest",
        MessageKind.ANNOUNCEMENT: "body_html",
        MessageKind.APPROVAL_ASKED: "announcement",
        MessageKind.NEWCOMER_WAITING: "district",
        MessageKind.NEWCOMER_TO_HUB: "newcomer",
        MessageKind.NEWCOMER_LIST: "newcomers",
        MessageKind.NEWCOMER_REMINDER: "newcomer",
    }.get(kind, "hub")
    missing = {k: v for k, v in context(kind).items() if k != needed}
    with pytest.raises(UndefinedError):
        render(kind, missing)


def test_an_unknown_variable_is_an_error_not_an_empty_string() -> None:
    with pytest.raises(UndefinedError, match="nope"):
        environment().from_string("Hello {{ nope }}").render()


@pytest.mark.parametrize("kind", list(MessageKind))
def test_a_script_in_a_group_name_is_escaped_in_html(kind: MessageKind) -> None:
    _subject, html, _text = render(kind, context(kind, name=EVIL))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_staff_comment_is_escaped_and_quoted() -> None:
    _, html, text = render(MessageKind.CHANGES_REQUESTED, context(MessageKind.CHANGES_REQUESTED))
    assert "Please say how many people came. &lt;script&gt;" in html
    assert "Please say how many people came." in text


def test_css_is_inlined_for_email_clients() -> None:
    _, html, _ = render(MessageKind.DUE_TODAY, context(MessageKind.DUE_TODAY))
    assert "<style>" not in html
    assert (
        'class="button" href="http://hubflow.test/hub/signed-token" style="display: inline-block'
        in html
    )


@pytest.mark.parametrize(
    ("stage", "phrase"),
    [
        ("first_action", "canvass"),
        ("onboarding", "contact people"),
        ("strategic_plan", "Joint Committee on Health Care Financing"),
    ],
)
def test_stage_approved_explains_the_next_stage(stage: str, phrase: str) -> None:
    ctx = context(MessageKind.STAGE_APPROVED)
    ctx["hub"]["stage"] = stage
    _subject, html, text = render(MessageKind.STAGE_APPROVED, ctx)
    assert phrase in text and phrase in html
    assert "Wednesday, April 1, 2026" in text  # its due date
    assert "http://hubflow.test/hub/signed-token" in text  # its private link


def test_the_digest_marks_late_reviews_and_says_whose_move_it_is() -> None:
    _, html, text = render(MessageKind.DAILY_DIGEST, context(MessageKind.DAILY_DIGEST))
    assert "due Friday, March 20, 2026 (LATE)" in text and "overdue" not in text.lower()
    assert "waiting on the GO! Team for 9 days" in text and "waiting on the GO! Team for 9" in html
    assert "4 Hubs waiting on the GO! Team; 2 past their own deadline (1 stalled)" in text
    assert "Coverage: 12 of 160 State Rep districts" in text
    # A summary of the day: beside the coverage, before the lists.
    assert text.index("Whose move") < text.index("New interest")
    ctx = context(MessageKind.DAILY_DIGEST)
    ctx["digest"]["moves"]["hubs_waiting_on_team"] = 1
    _, html, text = render(MessageKind.DAILY_DIGEST, ctx)
    assert "Whose move: 1 Hub waiting on the GO! Team;" in text
    assert "<strong>1</strong> Hub waiting" in html


def test_dates_read_like_a_person_wrote_them() -> None:
    assert longdate("2026-03-02") == "Monday, March 2, 2026"


# Words that start a sentence, not a name: after a comma they should be lower case.
_SENTENCE_STARTS = re.compile(
    r", (Your|You|The|We|Our|This|That|It|Please|Next|After|Send|Open|Then|When|If|And|But|"
    r"Reply|Thank|Once|Now|Here|There|What|How|Who)\b"
)


@pytest.mark.parametrize("kind", list(MessageKind))
def test_no_sentence_starts_with_a_capital_after_a_comma(kind: MessageKind) -> None:
    subject, html, text = render(kind, context(kind))
    for part in (subject, text, re.sub(r"<[^>]+>", "\n", html)):
        assert not _SENTENCE_STARTS.search(part), _SENTENCE_STARTS.search(part)
