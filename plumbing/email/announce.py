"""An announcement's text as each person reads it: its Markdown rendered once to HTML
(sanitised) and to plain text, then the merge fields filled in for each recipient."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from models.services.announcements import MERGE
from models.services.reach import Person
from plumbing.settings import Settings
from plumbing.tokens import hub_url

# What an email client shows well; everything else (scripts, styles, images) goes.
TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "h4", "blockquote",
    "hr", "code", "pre", "del", "s", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
# Merge fields as words Markdown leaves alone (even inside a link's address).
TOKENS = {
    "first_name": "HFMERGEFIRSTNAME",
    "hub.name": "HFMERGEHUBNAME",
    "hub.district": "HFMERGEHUBDISTRICT",
    "hub.link": "HFMERGEHUBLINK",
}
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # Raw HTML in the Markdown is shown as text, never passed on.
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def _tokens(text: str) -> str:
    return MERGE.sub(lambda m: TOKENS[m.group(1)], text)


@dataclass(frozen=True, slots=True)
class Written:
    """An announcement rendered once, its merge fields still to fill in."""

    subject: str
    html: str
    text: str

    def fill(self, values: dict[str, str]) -> tuple[str, Markup, str]:
        """(subject, HTML body, text body) with each merge field's value."""
        subject, body, text = self.subject, self.html, self.text
        for field, token in TOKENS.items():
            value = values.get(field, "")
            subject = subject.replace(token, value)
            body = body.replace(token, html.escape(value))
            text = text.replace(token, value)
        return subject, Markup(body), text


def written(subject: str, body: str) -> Written:
    """`body` (Markdown) as sanitised HTML and as plain text, links spelled out."""
    source = _tokens(body)
    rendered = nh3.clean(
        _markdown().render(source),
        tags=TAGS,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer",
    )
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", source)
    return Written(_tokens(subject), rendered, text)


def merge_values(person: Person, settings: Settings) -> dict[str, str]:
    return {
        "first_name": person.first_name,
        "hub.name": person.hub_name,
        "hub.district": person.district,
        "hub.link": ""
        if person.hub_id is None  # a newcomer has no Hub yet (such text is refused)
        else hub_url(person.hub_id, person.token_version, settings=settings),
    }
