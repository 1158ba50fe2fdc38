"""Logs an operator's tools can read: one JSON object per line (HUBFLOW_LOG_FORMAT=json),
with the ids a line is about (hub_id, event_id, event_uids, run_id, email_id) as
fields of their own."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from plumbing.settings import Settings

IDS = ("hub_id", "event_id", "event_uid", "event_uids", "run_id", "email_id", "announcement_id")


class JSONLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        for name in IDS:
            if name in record.__dict__:
                line[name] = record.__dict__[name]
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def configure(settings: Settings) -> None:
    """JSON lines on stderr for the root logger, when the settings ask for them (text logs
    stay as Python and Prefect print them)."""
    if settings.log_format != "json":
        return
    root = logging.getLogger()
    if any(isinstance(h.formatter, JSONLines) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JSONLines())
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
