"""Running hubflow's processes as an operator does, and looking at what they left."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from hubflow.runtime.supervise import healthy

ROOT = Path(__file__).resolve().parents[2]
HUBFLOW = [sys.executable, "-m", "hubflow.cli.main"]
PREFECT = str(Path(sys.executable).parent / "prefect")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], bool], timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(0.25)
    raise AssertionError(f"not within {timeout}s")


def descendants(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True).stdout
    rows = [tuple(map(int, line.split())) for line in out.splitlines() if line.strip()]
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        children = {p for p, parent in rows if parent in frontier and p not in found}
        found |= children
        frontier = children
    return sorted(found)


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def hubflow_env(database_url: str, folder: Path, **extra: str) -> dict[str, str]:
    """The environment of one hubflow instance living in `folder`."""
    env = {
        **os.environ,
        "HUBFLOW_DATABASE_URL": database_url,
        "HUBFLOW_OUTBOX_DIR": str(folder / "outbox"),
        "HUBFLOW_PUBLIC_DIR": str(folder / "public"),
        "HUBFLOW_DATA_DIR": str(folder),
        "PYTHONPATH": str(ROOT),
        **extra,
    }
    for key in ("PREFECT_API_URL", "HUBFLOW_BASE_URL", "HUBFLOW_INSTANCE"):
        if key not in extra:
            env.pop(key, None)
    return env


def cli(
    env: dict[str, str], *args: str, cwd: Path, ok: bool = True
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [*HUBFLOW, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )
    if ok:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def start_serve(env: dict[str, str], folder: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*HUBFLOW, "serve", "--prefect-home", str(folder / ".prefect"), *args],
        env=env,
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_until_up(process: subprocess.Popen[str], url: str, timeout: float = 150) -> None:
    def up() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode}:\n{process.stdout.read()}")  # type: ignore[union-attr]
        return healthy(url)

    wait_for(up, timeout)


@contextmanager
def reaping_orphans() -> Iterator[None]:
    """This process adopts orphaned descendants (as an init would) and reaps them, so that
    a process killed with its parent shows as gone, not as a zombie nobody waits for."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    previous = signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    try:
        yield
    finally:
        libc.prctl(36, 0, 0, 0, 0)
        signal.signal(signal.SIGCHLD, previous)


def reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def stop(process: subprocess.Popen[str] | None, how: signal.Signals = signal.SIGINT) -> str:
    """Stop a hubflow process as Ctrl-C does; its output."""
    if process is None:
        return ""
    if process.poll() is None:
        process.send_signal(how)
    elif process.stdout is not None and process.stdout.closed:
        return ""  # stopped and read before
    try:
        return process.communicate(timeout=30)[0] or ""
    except subprocess.TimeoutExpired:
        for pid in descendants(process.pid):
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.kill()
        return process.communicate()[0] or ""
