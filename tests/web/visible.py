"""What a person sees of a page: its text, not its markup, attributes, styles or scripts."""

from __future__ import annotations

import re
from enum import StrEnum
from html.parser import HTMLParser

from models import enums
from models.email import EmailState, MessageKind
from models.lifecycle import Action


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "title"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _codes() -> set[str]:
    """Every code hubflow has that a person could mistake for a word it is not."""
    vocabularies: list[type[StrEnum]] = [
        e
        for e in vars(enums).values()
        if isinstance(e, type) and issubclass(e, StrEnum) and e.__module__ == enums.__name__
    ]
    vocabularies += [MessageKind, EmailState, Action]
    return {m.value for v in vocabularies for m in v if "_" in m.value}


CODES = _codes()
REPRS = re.compile(r"\{'|\['|\b(True|False|None)\b")
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{2}:\d{2}:\d{2}\b|\bUTC\b")
ACTORS = re.compile(r"\b(staff|applicant|hub|system):\S")


def raw_codes(text: str) -> list[str]:
    """What in `text` is a code, a Python value or a machine timestamp rather than words."""
    found = sorted(c for c in CODES if re.search(rf"\b{re.escape(c)}\b", text))
    found += [m.group(0) for m in REPRS.finditer(text)]
    found += [m.group(0) for m in ISO.finditer(text)]
    found += [m.group(0) for m in ACTORS.finditer(text)]
    return found
