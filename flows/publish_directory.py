"""Publish the public directory of listed Hubs."""

from __future__ import annotations

from prefect import flow

from flows.names import directory_name
from tasks.directory import write_directory


@flow(name="publish-directory", flow_run_name=directory_name)
def publish_directory() -> int:
    """Write hubs.json with every listed Hub and only the contacts they agreed to publish."""
    return write_directory()


if __name__ == "__main__":
    print(publish_directory())
