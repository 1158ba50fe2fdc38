"""The public directory of listed Hubs, published as a file (public/hubs.json)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

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
