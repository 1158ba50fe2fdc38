"""How fast the CLI starts: `hubflow --help`, `hubflow hubs --help` and `hubflow hubs list`
on a fresh database, 10 runs each, medians, against baselines measured in the same run.

    .venv/bin/python -m bench.cli

Baselines, as fast as their kind honestly gets: for help, a one-command Typer app printing
its help (the same Typer, plain help, nothing else imported); for the list, Python's own
sqlite3 reading the same rows and printing them. Targets: help < 0.3 s, `hubs list` < 0.6 s.
"""

from __future__ import annotations

import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.scratch import scratch

RUNS = 10
HUBFLOW = str(Path(sys.executable).with_name("hubflow"))
TYPER_HELP = """
import typer
app = typer.Typer(rich_markup_mode=None)
@app.command()
def main(name: str = typer.Option("", help="A name.")) -> None:
    "One command."
app()
"""
SQLITE_LIST = """
import sqlite3
rows = sqlite3.connect("hubflow.db").execute(
    "SELECT hubs.id, hubs.name, districts.name, stage, status, stage_due_date FROM hubs "
    "JOIN districts ON districts.id = hubs.district_id ORDER BY hubs.id").fetchall()
print("\\n".join(" | ".join(map(str, r)) for r in rows) or "No Hubs yet.")
"""


def median_seconds(args: list[str], *, cwd: Path, env: dict[str, str]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(args, cwd=cwd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    with scratch("hubflow-bench-cli-") as folder:
        measure(folder)


def measure(folder: Path) -> None:
    env = {
        **os.environ,
        "HUBFLOW_DATABASE_URL": f"sqlite:///{folder / 'hubflow.db'}",
        "HUBFLOW_DATA_DIR": str(folder),
        "HUBFLOW_SECRET_KEY": secrets.token_urlsafe(48),
    }
    subprocess.run([HUBFLOW, "init"], cwd=folder, env=env, check=True, capture_output=True)
    subprocess.run(  # one Hub, so that the list has a row to print
        [HUBFLOW, "hubs", "add", "--name", "Bench Hub", "--kind", "single_issue",
         "--towns", "Quincy", "--district", "1st Norfolk", "--contact-name", "Bo Diaz",
         "--email", "bo@example.org", "--phone", "617-555-0123", "--consent"],
        cwd=folder, env=env, check=True, capture_output=True,
    )  # fmt: skip
    help_base = median_seconds([sys.executable, "-c", TYPER_HELP, "--help"], cwd=folder, env=env)
    list_base = median_seconds([sys.executable, "-c", SQLITE_LIST], cwd=folder, env=env)
    print(f"{RUNS} runs each, medians (this machine, {os.cpu_count()} cores)")
    for args, base, target in (
        (["--help"], help_base, 0.3),
        (["hubs", "--help"], help_base, 0.3),
        (["hubs", "list"], list_base, 0.6),
    ):
        seconds = median_seconds([HUBFLOW, *args], cwd=folder, env=env)
        verdict = "ok" if seconds < target else "OVER TARGET"
        print(
            f"  hubflow {' '.join(args):<12} {seconds:6.3f} s   baseline {base:6.3f} s   "
            f"ratio {seconds / base:4.2f}x   target < {target} s: {verdict}"
        )


if __name__ == "__main__":
    main()
