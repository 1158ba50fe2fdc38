"""Exports as files: CSV for spreadsheets, JSON for scripts (the CLI and the staff
dashboard's downloads write the same)."""

from __future__ import annotations

import io
import json
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from models.services.common import Actor
from models.services.exports import export
from plumbing.csvfiles import write_dicts
from plumbing.settings import get_settings


def rows_for(
    session: Session, kind: str, *, include_private: bool = False, actor: Actor | None = None
) -> list[dict[str, str]]:
    settings = get_settings()
    zone = ZoneInfo(settings.policy.timezone)
    interests = settings.campaign.get_involved.interests  # newcomers' choices, in words
    return export(
        session, kind, zone, include_private=include_private, actor=actor, interests=interests
    )


def as_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    write_dicts(out, rows)
    return out.getvalue()


def as_json(rows: list[dict[str, str]]) -> str:
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
