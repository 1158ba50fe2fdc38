"""Child processes as `hubflow serve` keeps them: each in its own process group with its
output in a log file, told to exit if serve dies (even by SIGKILL), watched, and stopped
politely, then firmly."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("hubflow.runtime.serve")

_PR_SET_PDEATHSIG = 1


class CannotStart(RuntimeError):
    """A part could not be started or stopped by itself: said in one message, exit code 1."""


class PortTaken(CannotStart):
    pass


def check_port_free(host: str, port: int, what: str) -> None:
    """PortTaken naming the port and its option if something already listens there."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise PortTaken(
                f"port {port} on {host} is already in use ({what}): stop what is using it "
                "or choose another port"
            ) from None


def _die_with_parent(how: signal.Signals) -> None:
    """In the child, before exec: the kernel sends `how` when the parent process dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, int(how), 0, 0, 0)


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log_file: Path
    stop_signal: signal.Signals = signal.SIGTERM

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def last_lines(self, n: int = 15) -> str:
        try:
            lines = self.log_file.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return "(no output)"
        return "\n".join(lines[-n:]) or "(no output)"

    def stop(self, *, grace: float) -> None:
        """Ask politely (a signal to its process group), then insist."""
        if not self.alive:
            return
        log.info("stopping %s", self.name)
        try:
            os.killpg(self.process.pid, self.stop_signal)
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            self.process.wait(timeout=5)
        # Whatever it left behind in its group goes with it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def spawn(
    name: str,
    argv: Sequence[str],
    *,
    env: dict[str, str],
    log_file: Path,
    stop_signal: signal.Signals = signal.SIGTERM,
) -> Child:
    """Start `argv` in its own process group, its output appended to `log_file`; it gets
    `stop_signal` from the kernel if this process dies without stopping it."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as out:
        process = subprocess.Popen(
            list(argv),
            env=env,
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: _die_with_parent(stop_signal),
        )
    return Child(name, process, log_file, stop_signal)


def wait_until_healthy(url: str, child: Child | None, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child is not None and not child.alive:
            raise ChildDied(child)
        if healthy(url):
            return
        time.sleep(0.5)
    raise CannotStart(f"nothing answered at {url} within {timeout:.0f}s")


# How long `serve --prefect-api-url` and `relay` wait for the Prefect server they are given
# (one starting beside them takes 10-25 s here; a busy one can miss a few 2 s probes).
PREFECT_WAIT = 60.0


def wait_for_prefect(api_url: str, *, timeout: float = PREFECT_WAIT) -> None:
    """Until the Prefect API at `api_url` answers; said once when it does not at first."""
    url = f"{api_url.rstrip('/')}/health"
    if healthy(url):
        return
    print(f"waiting for the Prefect server at {api_url} (up to {timeout:.0f} s) …", flush=True)
    try:
        wait_until_healthy(url, None, timeout=timeout)
    except CannotStart:
        raise CannotStart(
            f"the Prefect server at {api_url} did not answer within {timeout:.0f} s: is it "
            "running, and is that its address (PREFECT_API_URL, or serve's --prefect-api-url)?"
        ) from None


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


class ChildDied(CannotStart):
    def __init__(self, child: Child) -> None:
        self.child = child
        super().__init__(
            f"the {child.name} stopped (exit code {child.process.returncode}); the last lines "
            f"of {child.log_file}:\n{child.last_lines()}"
        )
