"""Prefect as hubflow runs it: no analytics (there is no internet), no per-run heartbeat
unless the deployment asks for one."""

from __future__ import annotations

import logging
import os


def configure() -> None:
    """Call before Prefect runs a flow in this process."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.settings import get_current_settings

    # A sync flow run otherwise spends about a second in its heartbeat thread; hubflow's
    # flows are short, and crashed runs are caught by the event outbox instead. A worker's
    # process-events run asks for heartbeats (prefect.yaml): the relay watches them.
    if not os.environ.get("PREFECT_FLOWS_HEARTBEAT_FREQUENCY"):
        get_current_settings().flows.heartbeat_frequency = None


def flush(timeout: float = 5.0) -> None:
    """Send what Prefect still holds in this process (events, run logs) while its server is
    up: left for the exit, it would wait on a server already stopped."""
    import sys

    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (EventsWorker, APILogWorker):
        try:
            worker.drain_all(timeout=timeout)
        except Exception:  # a courtesy: the runs and events that matter are in the database
            logging.getLogger(__name__).warning("could not flush %s", worker.__name__)
