"""Render a message kind from `templates/email/` into its subject, HTML and text parts."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from models.email import MessageKind
from models.words import longday

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "email"


@lru_cache(maxsize=4096)
def longdate(value: date | str | None) -> str:
    """'Monday, March 2, 2026': dates in emails are read by people, not parsed."""
    return longday(value, today=None)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates ship with the code; no stat() per email
    )
    env.filters["longdate"] = longdate
    return env


@lru_cache(maxsize=1)
def _inliner() -> css_inline.CSSInliner:
    return css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


def render(kind: MessageKind, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, html, text) for `kind`; a variable the template needs but lacks is an error."""
    from plumbing.settings import get_settings

    env = environment()
    context = {"campaign": get_settings().campaign, **context}
    subject = env.get_template(f"{kind.value}.subject.txt").render(context)
    subject = re.sub(r"\s+", " ", subject).strip()
    html = env.get_template(f"{kind.value}.html").render(context, subject=subject)
    text = env.get_template(f"{kind.value}.txt").render(context, subject=subject)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return subject, _inliner().inline(html), text
