"""An event recorded while Prefect is down is not lost: it is handed over when Prefect is
back, and processed exactly once (SPEC §3)."""

from __future__ import annotations

import httpx
import pytest
from prefect import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
from prefect.client.schemas.sorting import FlowRunSort
from prefect.flow_engine import run_flow
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from flows.process_events import process_events
from hubflow.runtime.relay import Relay
from models.audit import DomainEvent
from models.email import Email
from models.hub import Hub
from models.review import ReviewTask
from models.services import hubs
from plumbing.settings import get_settings
from tests import factories


def count(session: Session, what: object, *where: object) -> int:
    n = session.scalar(select(func.count()).select_from(what).where(*where))  # type: ignore[arg-type]
    session.commit()
    return n or 0


def test_fifty_interests_while_prefect_is_down_are_processed_once_when_it_is_back(
    sessions: sessionmaker[Session], session: Session
) -> None:
    factories.staff(session)
    for _ in range(50):
        with sessions() as request:  # each as its own web request would
            hubs.submit_interest(request, factories.interest_form())
    assert count(session, Hub) == 50
    instance = get_settings().instance_name
    relay = Relay(sessions, instance=instance)

    with (
        temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}),
        pytest.raises(httpx.ConnectError),
    ):
        relay.run_once()
    assert count(session, DomainEvent, DomainEvent.handed_over_at.is_not(None)) == 0
    assert count(session, DomainEvent) == 100  # stage entered + interest submitted, each

    deployment_id = process_events.to_deployment(name=instance).apply()
    assert relay.run_once() == 100  # Prefect is back: acknowledged, then marked
    assert relay.run_once() == 0
    assert count(session, DomainEvent, DomainEvent.handed_over_at.is_(None)) == 0

    async def scheduled_runs() -> list[object]:
        async with get_client() as client:
            return await client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
                sort=FlowRunSort.ID_DESC,
                limit=10,
            )

    from prefect.utilities.asyncutils import run_coro_as_sync

    # The runs of this deployment that are still scheduled: the one the relay asked for.
    [flow_run] = [r for r in run_coro_as_sync(scheduled_runs()) if r.state.is_scheduled()]
    assert flow_run.name == "hub-1 interest received (+49 Hubs)"
    run_flow(process_events, flow_run=flow_run, parameters=flow_run.parameters)  # as a worker
    assert count(session, Email, Email.kind == "interest_received") == 50
    assert count(session, ReviewTask) == 50
    assert count(session, DomainEvent, DomainEvent.processed_at.is_(None)) == 0

    assert process_events()["events"] == 0  # a second run finds nothing left
    assert count(session, Email, Email.kind == "interest_received") == 50
