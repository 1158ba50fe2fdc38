"""Serve every deployment of prefect.yaml from this process (used by `hubflow serve`)."""

from __future__ import annotations

from hubflow.prefect_setup import configure


def main() -> None:
    configure()
    from prefect import serve

    from hubflow.deployments import runner_deployments

    serve(*runner_deployments(), print_starting_message=True)


if __name__ == "__main__":
    main()
