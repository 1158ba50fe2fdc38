"""Serve every deployment of prefect.yaml from this process (used by `hubflow serve`)."""

from __future__ import annotations

import contextlib
import os
import signal

from plumbing.prefect_setup import configure


def main() -> None:
    configure()
    from prefect import serve

    from hubflow.runtime.deployments import runner_deployments
    from plumbing.settings import get_settings

    try:
        serve(*runner_deployments(get_settings().instance_name), print_starting_message=True)
    except KeyboardInterrupt:
        pass
    finally:
        _end_group()


def _end_group() -> None:
    """Flow runs started here go with the runner (serve started it as a group leader)."""
    if os.getpgrp() != os.getpid():
        return
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(0, signal.SIGTERM)


if __name__ == "__main__":
    main()
