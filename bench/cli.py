"""How fast the CLI starts: `hubflow --help`, `hubflow hubs --help` and `hubflow hubs list`
on a fresh database, 10 runs each, medians, against baselines measured in the same run.

    .venv/bin/python -m bench.cli

Baselines, as fast as their kind honestly gets: for help, a one-command Typer app printing
its help (the same Typer, plain help, nothing else imported); for the list, Python's own
sqlite3 reading the same rows and printing them. Targets: help < 0.3 s, `hubs list` < 0.6 s.

Then the read commands against their import floor (issue #35): Python importing just
SQLAlchemy's ORM and pydantic-settings, which any of them needs (and freezing its objects
for the exit, as hubflow does). Each command and the floor
run in alternation, PAIRS pairs; the median of the pairs' ratios, target <= 1.3.
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
PAIRS = 7
# The floor as fast as it honestly gets: its objects frozen before the process ends, as
# hubflow's are (hubflow/cli/main.py), so neither pays Python's last collection (~100 ms).
FLOOR = "import sqlalchemy.orm, pydantic_settings, gc; gc.freeze()"
READS = (["hubs", "list"], ["reviews", "list"], ["coverage"], ["outbox", "list"])
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
# What the stack itself costs above the floor: the same libraries doing the least a list can
# (a Typer command, a settings class, two mapped classes, a query, a Rich table), none of
# hubflow's own work (the campaign file and its checks, the vocabulary, whose move it is).
STACK_LIST = """
import atexit, gc
atexit.register(gc.freeze)
import typer
from pydantic_settings import BaseSettings
from sqlalchemy import ForeignKey, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

class Settings(BaseSettings):
    database_url: str = "sqlite:///hubflow.db"

class Base(DeclarativeBase):
    pass

class District(Base):
    __tablename__ = "districts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]

class Hub(Base):
    __tablename__ = "hubs"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    stage: Mapped[str]
    status: Mapped[str]
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    district: Mapped[District] = relationship(lazy="joined")

app = typer.Typer()

@app.command()
def list_(json: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table
    with Session(create_engine(Settings().database_url)) as session:
        hubs = session.scalars(select(Hub)).all()
        table = Table("Id", "Name", "District", "Stage", "Status")
        for h in hubs:
            table.add_row(str(h.id), h.name, h.district.name, h.stage, h.status)
    Console().print(table)

app()
"""


def seconds(args: list[str], *, cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def paired(args: list[str], *, cwd: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """`args` and the import floor run in alternation: the medians of each, and of the
    pairs' ratios (what the machine was doing weighs on both of a pair alike)."""
    floor = [sys.executable, "-c", FLOOR]
    ours, base = [], []
    for _ in range(PAIRS):
        ours.append(seconds(args, cwd=cwd, env=env))
        base.append(seconds(floor, cwd=cwd, env=env))
    ratios = [a / b for a, b in zip(ours, base, strict=True)]
    return statistics.median(ours), statistics.median(base), statistics.median(ratios)


def median_seconds(args: list[str], *, cwd: Path, env: dict[str, str]) -> float:
    return statistics.median(seconds(args, cwd=cwd, env=env) for _ in range(RUNS))


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
        took = median_seconds([HUBFLOW, *args], cwd=folder, env=env)
        verdict = "ok" if took < target else "OVER TARGET"
        print(
            f"  hubflow {' '.join(args):<12} {took:6.3f} s   baseline {base:6.3f} s   "
            f"ratio {took / base:4.2f}x   target < {target} s: {verdict}"
        )
    print(f"against the import floor ({FLOOR!r}), {PAIRS} pairs in alternation, medians:")
    ours, floor, ratio = paired([sys.executable, "-c", STACK_LIST], cwd=folder, env=env)
    print(
        f"  the stack alone listing  {ours:6.3f} s   floor {floor:6.3f} s   ratio {ratio:4.2f}x"
        "   (Typer, settings, two mapped classes, Rich: no target, for reading the rest)"
    )
    for args in READS:
        ours, floor, ratio = paired([HUBFLOW, *args], cwd=folder, env=env)
        verdict = "ok" if ratio <= 1.3 else "OVER TARGET"
        print(
            f"  hubflow {' '.join(args):<14} {ours:6.3f} s   floor {floor:6.3f} s   "
            f"ratio {ratio:4.2f}x   target <= 1.3: {verdict}"
        )


if __name__ == "__main__":
    main()
