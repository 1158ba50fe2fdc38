"""Publishing the public directory of listed Hubs."""

from __future__ import annotations

from prefect import task
from prefect.artifacts import create_markdown_artifact

from plumbing.directory import write_directory_file


@task(retries=2, retry_delay_seconds=[1, 5])
def write_directory() -> int:
    """Write public/hubs.json (atomically) and a Prefect artifact listing the Hubs."""
    entries = write_directory_file()
    lines = ["| Hub | District | Towns |", "|---|---|---|"] + [
        f"| {_cell(e['name'])} | {_cell(e['district'])} | {_cell(', '.join(e['towns']))} |"
        for e in entries
    ]
    create_markdown_artifact(
        key="hub-directory",
        markdown="\n".join(lines),
        description=f"{len(entries)} listed Hubs in the public directory",
    )
    return len(entries)


def _cell(text: str) -> str:
    """Markdown table cells: no pipes, no markup from user text."""
    return text.replace("|", "/").replace("<", "&lt;").replace(">", "&gt;")
