"""Flow runs at a time of hubflow's choosing (an announcement's send), and cancelling one
before it starts: what a reaction asks of Prefect, behind a seam that is absent when
events are processed without Prefect (`hubflow process`, the demo)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from uuid import UUID


class NoDeployment(RuntimeError):
    pass


class FlowRuns(Protocol):
    def schedule(self, flow: str, parameters: dict[str, Any], *, at: datetime, key: str) -> str:
        """Have `flow/<instance>` run at `at`, once per `key`; the run's id."""

    def cancel(self, run_id: str) -> bool:
        """Cancel the run if it has not started; whether it was cancelled."""


class PrefectRuns:
    """The instance's deployments on the Prefect server of PREFECT_API_URL."""

    def __init__(self, instance: str) -> None:
        self.instance = instance

    def schedule(self, flow: str, parameters: dict[str, Any], *, at: datetime, key: str) -> str:
        from prefect.deployments import run_deployment
        from prefect.exceptions import ObjectNotFound

        name = f"{flow}/{self.instance}"
        try:
            run = run_deployment(
                name=name,
                parameters={**parameters, "instance": self.instance},
                scheduled_time=at,
                timeout=0,
                idempotency_key=key,
                as_subflow=False,
                tags=[f"instance:{self.instance}"],
            )
        except ObjectNotFound:
            raise NoDeployment(
                f"the Prefect server has no deployment {name}: run `prefect deploy --all` "
                "with HUBFLOW_INSTANCE set (README, 'Prefect server and workers'), or "
                "`hubflow serve`"
            ) from None
        return str(run.id)  # type: ignore[union-attr]

    def cancel(self, run_id: str) -> bool:
        from prefect import get_client
        from prefect.exceptions import ObjectNotFound
        from prefect.states import Cancelled

        with get_client(sync_client=True) as client:
            try:
                run = client.read_flow_run(UUID(run_id))
            except ObjectNotFound:
                return False
            if run.state is None or not (run.state.is_scheduled() or run.state.is_pending()):
                return False
            client.set_flow_run_state(
                UUID(run_id),
                Cancelled(message="the announcement was cancelled in hubflow"),
                force=True,
            )
        return True
