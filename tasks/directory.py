"""Publishing the public directory of listed Hubs."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from prefect import task
from prefect.artifacts import create_markdown_artifact

from models.services.directory import directory
from plumbing.db import session_factory
from plumbing.settings import get_settings


def write_directory_file() -> list[dict[str, Any]]:
    """Write public/hubs.json (atomically); its entries. No Prefect: `hubflow process`."""
    with session_factory()() as session:
        entries = directory(session)
    folder = Path(get_settings().public_dir)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "hubs.json.tmp"
    tmp.write_text(json.dumps({"hubs": entries}, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / "hubs.json")
    return entries


@task(retries=2, retry_delay_seconds=[1, 5])
def write_directory() -> int:
    """Write public/hubs.json (atomically) and a Prefect artifact listing the Hubs."""
    entries = write_directory_file()
    lines = ["| Hub | District | Towns |", "|---|---|---|"] + [
        f"| {_cell(e['name'])} | {_cell(e['district'])} | {_cell(', '.join(e['towns']))} |"
        for e in entries
    ]
    create_markdown_artifact(
        key="hub-directory",
        markdown="\n".join(lines),
        description=f"{len(entries)} listed Hubs in the public directory",
    )
    return len(entries)


def _cell(text: str) -> str:
    """Markdown table cells: no pipes, no markup from user text."""
    return text.replace("|", "/").replace("<", "&lt;").replace(">", "&gt;")
