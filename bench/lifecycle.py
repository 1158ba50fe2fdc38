"""1,000 Hubs through all five stages, with Prefect reacting to every event.

    .venv/bin/python -m bench.lifecycle [--hubs N] [--database URL]

Staff actions go through the services (as web requests would); the time measured is the
`process-events` flow runs reacting to the events they record (emails rendered, queued
and sent to the outbox, review tasks opened). Prints events/s and flow runs per event
(targets: >= 20 events/s, <= 1 flow run per event). Then forms arriving one at a time
(`--forms`, each handed over alone by the relay as `hubflow serve` does): flow runs per
event and the time from the form's commit to its reactions done.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import time
from pathlib import Path

from bench.scratch import scratch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    # Its own key: a bench signs links like the product, with a key that protects nothing.
    os.environ.setdefault("HUBFLOW_SECRET_KEY", secrets.token_urlsafe(48))
    parser.add_argument("--hubs", type=int, default=1000)
    parser.add_argument("--forms", type=int, default=50, help="forms sent one at a time")
    parser.add_argument("--database", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    with scratch("hubflow-bench-") as tmp:
        measure(args, tmp)


def measure(args: argparse.Namespace, tmp: Path) -> None:
    os.environ["HUBFLOW_DATABASE_URL"] = args.database or f"sqlite:///{tmp / 'bench.db'}"
    os.environ["HUBFLOW_OUTBOX_DIR"] = str(tmp / "outbox")
    os.environ["HUBFLOW_PUBLIC_DIR"] = str(tmp / "public")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

    # A Prefect server in its own process, as `hubflow serve` runs it; the flows run here,
    # as they would in a worker's flow-run process.
    from hubflow.runtime.serve import local_api, prefect_environment, start_prefect_server

    port = free_port()
    os.environ.update(prefect_environment(home=tmp / ".prefect", api_url=local_api(port)))
    server = start_prefect_server(port, log_file=tmp / "prefect-server.log")
    try:
        from plumbing.prefect_setup import configure

        configure()
        run(args.hubs)
        one_at_a_time(args.forms)
    finally:
        from plumbing.prefect_setup import flush

        flush()  # Prefect's queued logs and events, while its server still answers
        server.stop(grace=5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(n: int) -> None:
    from sqlalchemy import func, select

    from flows.process_events import process_events
    from models.audit import DomainEvent
    from models.base import utcnow
    from models.email import Email
    from models.enums import Decision, Stage
    from models.review import ReviewTask
    from models.services import hubs, reviews
    from models.services.legislature import import_legislature
    from plumbing.db import session_factory, upgrade
    from plumbing.openstates import bundled
    from tests import factories

    upgrade()
    sessions = session_factory()
    with sessions() as session:
        import_legislature(session, bundled())
        staff = [factories.staff(session, name=f"Staff {i}") for i in range(3)]
    clock = {"seconds": 0.0, "flow_runs": 0, "events": 0}

    def react() -> None:
        while True:
            started = time.perf_counter()
            summary = process_events(limit=500)
            clock["seconds"] += time.perf_counter() - started
            clock["flow_runs"] += 1
            clock["events"] += summary["processed"]
            if summary["events"] < 500:
                return

    with sessions() as session:
        ids = [hubs.submit_interest(session, factories.interest_form()).id for _ in range(n)]
    react()
    today = utcnow().date()
    for stage in (Stage.INTEREST, Stage.FIRST_ACTION, Stage.ONBOARDING, Stage.STRATEGIC_PLAN):
        with sessions() as session:
            if stage is not Stage.INTEREST:
                for hub_id in ids:
                    hubs.submit_stage_work(
                        session, hub_id, stage, factories.evidence_for(stage, today)
                    )
                react()
            pending = factories.pending_ids(session)
            for i, submission_id in enumerate(pending):
                reviews.decide(
                    session, submission_id, Decision.APPROVE, staff_id=staff[i % len(staff)].id
                )
        react()
        print(
            f"  {stage.value:>15} approved for {len(pending)} Hubs; "
            f"{clock['events']} events so far",
            flush=True,
        )

    with sessions() as session:
        listed = session.scalar(
            select(func.count()).select_from(DomainEvent).where(DomainEvent.type == "hub.listed")
        )
        emails = session.scalar(select(func.count()).select_from(Email))
        tasks = session.scalar(select(func.count()).select_from(ReviewTask))
    events = clock["events"]
    print(f"hubs listed       {listed} of {n}")
    print(f"events processed  {events}")
    print(f"emails queued     {emails}; review tasks opened {tasks}")
    print(f"flow runs         {clock['flow_runs']}")
    print(f"reacting time     {clock['seconds']:.1f} s")
    print(f"throughput        {events / clock['seconds']:.1f} events/s (target >= 20)")
    print(f"flow runs/event   {clock['flow_runs'] / events:.4f} (target <= 1)")


def one_at_a_time(n: int) -> None:
    """Each form handed over as soon as it is recorded, before the next arrives: the worst
    case for runs per event (under load the relay batches what waits)."""
    import statistics

    from sqlalchemy import func, select

    from hubflow.runtime.handover import InProcess
    from hubflow.runtime.relay import Relay
    from models.audit import DomainEvent
    from models.services import hubs
    from plumbing.db import session_factory
    from plumbing.settings import get_settings
    from tests import factories

    sessions = session_factory()
    instance = get_settings().instance_name
    relay = Relay(sessions, instance=instance, hand_over=InProcess(instance))
    relay.run_once()  # anything left from the stages above
    runs: set[str] = set()
    seconds, events = [], 0
    for _ in range(n):
        started = time.perf_counter()
        with sessions() as session:
            hub = hubs.submit_interest(session, factories.interest_form())
        events += relay.run_once()
        seconds.append(time.perf_counter() - started)
        with sessions() as session:
            runs |= set(
                session.scalars(select(DomainEvent.handed_to).where(DomainEvent.hub_id == hub.id))
            )
            waiting = session.scalar(
                select(func.count())
                .select_from(DomainEvent)
                .where(DomainEvent.processed_at.is_(None))
            )
        assert waiting == 0, "a form's events were not all processed"
    seconds.sort()
    print(f"one at a time     {n} forms, {events} events, {len(runs)} flow runs")
    print(f"flow runs/event   {len(runs) / events:.3f} (one run per form: its events together)")
    print(
        f"form to reactions p50 {statistics.median(seconds) * 1000:.0f} ms, "
        f"p95 {seconds[int(0.95 * (len(seconds) - 1))] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
