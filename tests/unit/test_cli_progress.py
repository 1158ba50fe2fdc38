"""The CLI's progress bar: shown on a terminal, never in piped or --json output."""

from __future__ import annotations

import io
import re
import threading

import pytest
from rich.console import Console

from hubflow.cli import output


def _console(*, terminal: bool) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=terminal, width=100), buffer


def test_a_bar_counts_work_done_from_several_threads_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    console, buffer = _console(terminal=True)
    monkeypatch.setattr(output, "err_console", console)
    with output.progress("sending", 40) as bar:
        threads = [
            threading.Thread(target=lambda: [bar.advance() for _ in range(10)]) for _ in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        bar.describe("sending the last ones")
    shown = buffer.getvalue()
    assert "sending" in shown and "40/40" in shown


def test_a_spinner_when_the_amount_of_work_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    console, buffer = _console(terminal=True)
    monkeypatch.setattr(output, "err_console", console)
    with output.progress("finding what is due") as bar:
        bar.describe("queuing 9,608 emails")
    assert "queuing 9,608 emails" in buffer.getvalue()
    assert not re.search(r"\d+/\d+", buffer.getvalue())  # no count without a total


def test_nothing_is_shown_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    console, buffer = _console(terminal=False)
    monkeypatch.setattr(output, "err_console", console)
    with output.progress("sending", 3) as bar:
        for _ in range(3):
            bar.advance()
    assert buffer.getvalue() == ""
