"""`hubflow serve`: a Prefect server (or the one at `--prefect-api-url`), the deployments,
the event relay and the web app, started in that order and stopped in the reverse order
on Ctrl-C or SIGTERM (SPEC §6). `hubflow web` and `hubflow relay` run one part each."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from hubflow.runtime.supervise import (
    CannotStart,
    Child,
    ChildDied,
    check_port_free,
    spawn,
    wait_for_prefect,
    wait_until_healthy,
)

log = logging.getLogger("hubflow.runtime.serve")


def prefect_environment(*, home: Path, api_url: str) -> dict[str, str]:
    return {
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",
        "PREFECT_UI_SHOW_PROMOTIONAL_CONTENT": "false",
    }


def local_api(port: int) -> str:
    return f"http://127.0.0.1:{port}/api"


def start_prefect_server(port: int, *, log_file: Path, timeout: float = 120) -> Child:
    """`prefect server start` (with its scheduler), once healthy.

    The caller's environment must already hold `prefect_environment(...)`.
    """
    prefect = Path(sys.executable).parent / "prefect"
    server = spawn(
        "Prefect server",
        [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=dict(os.environ),
        log_file=log_file,
    )
    try:
        wait_until_healthy(f"{local_api(port)}/health", server, timeout=timeout)
    except BaseException:
        server.stop(grace=3)
        raise
    return server


def follow_port(host: str, port: int) -> None:
    """Links in emails point at this web app, unless HUBFLOW_BASE_URL says otherwise."""
    from plumbing.settings import get_settings

    if "base_url" in get_settings().model_fields_set:
        return
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    os.environ["HUBFLOW_BASE_URL"] = f"http://{shown}:{port}"
    get_settings.cache_clear()


class Stop(KeyboardInterrupt):
    """SIGTERM, taken as Ctrl-C: everything stops in order."""


def _stop_on_sigterm() -> None:
    def handler(signum: int, _frame: Any) -> None:
        raise Stop

    signal.signal(signal.SIGTERM, handler)


def serve(
    *,
    host: str,
    port: int,
    prefect_port: int,
    prefect_api_url: str | None,
    home: Path,
    logs: Path,
) -> int:
    """Run everything until Ctrl-C or SIGTERM (0), or until a part stops by itself (1)."""
    from plumbing.db import upgrade
    from plumbing.settings import get_settings

    check_port_free(host, port, "the web app's --port")
    if prefect_api_url is None:
        check_port_free("127.0.0.1", prefect_port, "the Prefect server's --prefect-port")
    follow_port(host, port)
    upgrade()
    api_url = prefect_api_url or local_api(prefect_port)
    os.environ.update(prefect_environment(home=home, api_url=api_url))
    instance = get_settings().instance_name
    children: list[Child] = []
    stop = threading.Event()
    relay_thread: threading.Thread | None = None
    failed: list[ChildDied] = []
    _stop_on_sigterm()
    try:
        if prefect_api_url is None:
            print(f"starting the Prefect server on http://127.0.0.1:{prefect_port} …", flush=True)
            server_log = logs / "prefect-server.log"
            children.append(start_prefect_server(prefect_port, log_file=server_log))
        else:
            wait_for_prefect(api_url)
        from hubflow.runtime.deployments import foreign_deployments

        if taken := foreign_deployments(instance):
            raise CannotStart(
                f"instance {instance!r} already has deployments on {api_url} that `hubflow "
                f"serve` did not create ({', '.join(taken)}; from `prefect deploy`?): run "
                "`hubflow relay` and `hubflow web` beside their worker instead, or give this "
                "one another HUBFLOW_INSTANCE"
            )
        children.append(
            spawn(
                "deployments runner",
                [sys.executable, "-m", "hubflow.runtime.runner"],
                env=dict(os.environ),
                log_file=logs / "runner.log",
                stop_signal=signal.SIGINT,  # it shuts down cleanly on Ctrl-C
            )
        )
        # The web server first: making it configures logging (uvicorn's dictConfig closes
        # every handler, draining Prefect's log worker under the logging lock), which must
        # not race the relay thread's first flow run (seen: its logging blocked until
        # serve was stopped).
        web = _web_server(host=host, port=port)
        relay_thread = _start_relay(here=True, stop=stop, interval=1.0)
        watcher = threading.Thread(
            target=_watch, args=(children, stop, web, failed), name="watcher", daemon=True
        )
        watcher.start()
        print(
            f"hubflow is up (instance {instance}): http://{host}:{port}/ "
            f"(Prefect UI: {api_url.removesuffix('/api')}); Ctrl-C stops it",
            flush=True,
        )
        web.run()
    except KeyboardInterrupt:
        pass
    finally:
        # Reverse order: no new requests, no new hand-overs (the batch in hand finishes),
        # no new runs, then Prefect.
        stop.set()
        if relay_thread is not None:
            relay_thread.join(timeout=10)
        from plumbing.prefect_setup import flush

        flush()  # while the Prefect server still runs
        for child in reversed(children):
            child.stop(grace=5)
        print("hubflow stopped", flush=True)
    if failed:
        print(f"hubflow: {failed[0]}", file=sys.stderr, flush=True)
        return 1
    return 0


def _start_relay(*, here: bool, stop: threading.Event, interval: float) -> threading.Thread:
    """The relay in a thread of this process until `stop`: processing the events itself
    (`here`) or handing them to the instance's process-events deployment."""
    from hubflow.runtime.handover import InProcess, ToDeployment
    from hubflow.runtime.relay import Relay
    from plumbing.db import session_factory
    from plumbing.prefect_setup import configure
    from plumbing.settings import get_settings

    configure()
    settings = get_settings()
    instance = settings.instance_name
    relay = Relay(
        session_factory(),
        instance=instance,
        hand_over=InProcess(instance) if here else ToDeployment(instance),
        retry_after=settings.handover_retry_seconds,
        run_timeout=settings.run_timeout_seconds,
        lease=settings.dispatch_lease_seconds,
    )
    thread = threading.Thread(
        target=relay.run_forever,
        args=(stop,),
        kwargs={"interval": interval},
        name="relay",
        daemon=True,
    )
    thread.start()
    return thread


def _watch(children: list[Child], stop: threading.Event, web: Any, failed: list[ChildDied]) -> None:
    """A part that stops by itself stops everything, and says why."""
    while not stop.wait(0.5):
        for child in children:
            if not child.alive:
                failed.append(ChildDied(child))
                web.should_exit = True
                return


def _web_server(*, host: str, port: int) -> Any:
    import uvicorn

    from hubflow.web.app import server_app

    return uvicorn.Server(web_config(server_app(), host=host, port=port))


def run_web(*, host: str, port: int, workers: int) -> None:
    """`hubflow web`: the web app alone (its events are handed over by `hubflow relay`)."""
    import uvicorn

    follow_port(host, port)
    check_port_free(host, port, "the web app's --port")
    if workers == 1:
        _web_server(host=host, port=port).run()
        return
    options = web_options()
    uvicorn.run(
        "hubflow.web.app:server_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        **options,
    )


def web_options() -> dict[str, Any]:
    """How uvicorn serves the app: forwarded headers believed only from trusted proxies
    (uvicorn's own default trusts 127.0.0.1, so any local process could pose as anyone)."""
    from plumbing.settings import get_settings

    trusted = get_settings().trusted_proxies.strip()
    return {
        "log_level": "warning",
        "timeout_graceful_shutdown": 3,
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or "",
    }


def web_config(app: Any, *, host: str, port: int) -> Any:
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, **web_options())


def run_relay(*, here: bool) -> None:
    """`hubflow relay`: hand events to the instance's `process-events` deployment (or, with
    `here`, process them in this process) until Ctrl-C or SIGTERM."""
    from plumbing.prefect_setup import flush
    from plumbing.settings import get_settings

    if not os.environ.get("PREFECT_API_URL"):
        raise CannotStart(
            "hubflow relay needs a Prefect server: set PREFECT_API_URL (e.g. "
            "http://127.0.0.1:4200/api); without one, `hubflow serve` runs everything and "
            "`hubflow process` handles waiting events once"
        )
    instance = get_settings().instance_name
    wait_for_prefect(os.environ["PREFECT_API_URL"])
    if not here:
        from hubflow.runtime.deployments import require_deployment

        require_deployment(instance)
    stop = threading.Event()
    _stop_on_sigterm()
    # The web app is another process here: its events are found by polling, twice a second.
    thread = _start_relay(here=here, stop=stop, interval=0.5)
    print(f"relay for instance {instance} is running; Ctrl-C stops it", flush=True)
    interrupted = False
    try:
        while thread.is_alive():
            thread.join(0.5)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        stop.set()
        thread.join(timeout=10)
        flush()
        print("relay stopped", flush=True)
    if not interrupted:
        raise CannotStart("the relay stopped by itself (its error is above)")
