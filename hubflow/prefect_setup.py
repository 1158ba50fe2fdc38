"""Prefect as hubflow runs it: no analytics (there is no internet), no per-run heartbeat."""

from __future__ import annotations

import os


def configure() -> None:
    """Call before Prefect runs a flow in this process."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.settings import get_current_settings

    # A sync flow run otherwise spends about a second in its heartbeat thread; hubflow's
    # flows are short, and crashed runs are caught by the event outbox instead.
    get_current_settings().flows.heartbeat_frequency = None
