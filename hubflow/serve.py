"""`hubflow serve`: a Prefect server, the deployments, the event relay and the web app,
started in that order and stopped in the reverse order (SPEC §6)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

log = logging.getLogger("hubflow.serve")


def prefect_environment(*, home: Path, port: int) -> dict[str, str]:
    return {
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",
        "PREFECT_UI_SHOW_PROMOTIONAL_CONTENT": "false",
    }


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Prefect server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the Prefect server did not answer at {url} within {timeout:.0f}s")


def stop_process(
    name: str,
    process: subprocess.Popen[bytes] | None,
    *,
    grace: float,
    how: signal.Signals = signal.SIGTERM,
) -> None:
    """Ask politely (a signal to its process group), then insist."""
    if process is None or process.poll() is not None:
        return
    log.info("stopping %s", name)
    try:
        os.killpg(process.pid, how)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def start_prefect_server(port: int, *, timeout: float = 120) -> subprocess.Popen[bytes]:
    """`prefect server start` (with its scheduler) in its own process group, once healthy.

    The caller's environment must already hold `prefect_environment(...)`.
    """
    prefect = Path(sys.executable).parent / "prefect"
    server = subprocess.Popen(
        [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=dict(os.environ),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/api/health", server, timeout=timeout)
    except BaseException:
        stop_process("Prefect server", server, grace=3)
        raise
    return server


def serve(*, host: str, port: int, prefect_port: int, home: Path) -> None:
    from hubflow.db import session_factory, upgrade

    upgrade()
    env = prefect_environment(home=home, port=prefect_port)
    os.environ.update(env)  # before Prefect is imported in this process (the relay)
    children: list[tuple[str, subprocess.Popen[bytes]]] = []
    stop = threading.Event()
    relay_thread: threading.Thread | None = None
    try:
        print(f"starting the Prefect server on http://127.0.0.1:{prefect_port} …", flush=True)
        children.append(("Prefect server", start_prefect_server(prefect_port)))
        runner = subprocess.Popen(
            [sys.executable, "-m", "hubflow.runner"],
            env={**os.environ, **env},
            start_new_session=True,
        )
        children.append(("deployments", runner))

        from hubflow.relay import Relay

        relay = Relay(session_factory())
        relay_thread = threading.Thread(
            target=relay.run_forever, args=(stop,), name="relay", daemon=True
        )
        relay_thread.start()
        print(
            f"hubflow is up: http://{host}:{port}/healthz "
            f"(Prefect UI: http://127.0.0.1:{prefect_port}); Ctrl-C stops it",
            flush=True,
        )
        _run_web(host=host, port=port)
    finally:
        # Reverse order: no new requests, no new hand-overs, no new runs, then Prefect.
        stop.set()
        if relay_thread is not None:
            relay_thread.join(timeout=3)
        for name, process in reversed(children):
            # The deployments runner shuts down cleanly on Ctrl-C, as if typed at it.
            how = signal.SIGINT if name == "deployments" else signal.SIGTERM
            stop_process(name, process, grace=4, how=how)
        print("hubflow stopped", flush=True)


def _run_web(*, host: str, port: int) -> None:
    import uvicorn

    from hubflow.web.app import server_app

    uvicorn.Server(web_config(server_app(), host=host, port=port)).run()


def web_config(app: Any, *, host: str, port: int) -> Any:
    """How uvicorn serves the app: forwarded headers believed only from trusted proxies
    (uvicorn's own default trusts 127.0.0.1, so any local process could pose as anyone)."""
    import uvicorn

    from hubflow.settings import get_settings

    trusted = get_settings().trusted_proxies.strip()
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=3,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or "",
    )
