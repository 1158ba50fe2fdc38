"""JSON-line logs (#34): with HUBFLOW_LOG_FORMAT=json each record is one JSON object with
the ids it is about as fields; text (the default) leaves logging as it was."""

from __future__ import annotations

import json
import logging

import pytest

from plumbing.logs import JSONLines, configure
from plumbing.settings import Settings


@pytest.fixture
def root() -> logging.Logger:
    logger = logging.getLogger()
    handlers, level = logger.handlers[:], logger.level
    yield logger
    logger.handlers[:] = handlers
    logger.setLevel(level)


def test_json_lines_carry_the_ids_and_the_error(
    root: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(Settings(log_format="json", log_level="INFO"))
    configure(Settings(log_format="json", log_level="INFO"))  # twice: one handler
    assert sum(isinstance(h.formatter, JSONLines) for h in root.handlers) == 1
    log = logging.getLogger("hubflow.runtime.relay")
    log.info(
        "handed %d event(s) to flow run %s",
        2,
        "r-1",
        extra={"run_id": "r-1", "event_uids": ["a", "b"]},
    )
    try:
        raise RuntimeError("the disk is full")
    except RuntimeError:
        log.exception("email 7: backend raised", extra={"email_id": 7})
    log.debug("not at INFO")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(x["level"], x["message"]) for x in lines] == [
        ("info", "handed 2 event(s) to flow run r-1"),
        ("error", "email 7: backend raised"),
    ]
    assert lines[0]["run_id"] == "r-1" and lines[0]["event_uids"] == ["a", "b"]
    assert lines[1]["email_id"] == 7 and "RuntimeError: the disk is full" in lines[1]["error"]
    assert lines[0]["logger"] == "hubflow.runtime.relay" and lines[0]["time"].endswith("+00:00")


def test_text_leaves_logging_as_it_was(root: logging.Logger) -> None:
    before = root.handlers[:]
    configure(Settings(log_format="text"))
    assert root.handlers == before
