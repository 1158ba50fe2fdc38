"""The deployments of prefect.yaml, as `hubflow serve` runs them without a worker.

Each flow's deployment is named after the instance (`process-events/<instance>`), in
prefect.yaml as in `serve`: two instances share a Prefect server without touching each
other's deployments."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
PREFECT_YAML = ROOT / "prefect.yaml"


@dataclass(frozen=True)
class DeploymentSpec:
    name: str
    entrypoint: str
    description: str = ""
    tags: tuple[str, ...] = ()
    schedules: tuple[dict[str, Any], ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)


def specs(path: Path = PREFECT_YAML) -> list[DeploymentSpec]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        DeploymentSpec(
            name=d["name"],
            entrypoint=d["entrypoint"],
            description=d.get("description", ""),
            tags=tuple(d.get("tags", ())),
            schedules=tuple(d.get("schedules") or ()),
            parameters=d.get("parameters") or {},
        )
        for d in doc["deployments"]
    ]


def load_flow(entrypoint: str) -> Any:
    """Import `flows/x.py:name` relative to the project root."""
    file, name = entrypoint.split(":")
    module = importlib.import_module(".".join(Path(file).with_suffix("").parts))
    return getattr(module, name)


def runner_deployments(instance: str) -> list[Any]:
    from prefect.client.schemas.schedules import construct_schedule

    from hubflow.runtime.handover import instance_tags

    deployments = []
    for spec in specs():
        schedules = [construct_schedule(**s) for s in spec.schedules]
        deployments.append(
            load_flow(spec.entrypoint).to_deployment(
                name=instance,
                description=spec.description,
                tags=[*spec.tags, *instance_tags(instance)],
                schedules=schedules or None,
                parameters=spec.parameters,
            )
        )
    return deployments


def flow_name(spec: DeploymentSpec) -> str:
    return str(load_flow(spec.entrypoint).name)


def _deployment(client: Any, name: str) -> Any:
    """The deployment `flow/name` on the server, or None."""
    from prefect.exceptions import ObjectNotFound

    try:
        return client.read_deployment_by_name(name)
    except ObjectNotFound:
        return None


def foreign_deployments(instance: str) -> list[str]:
    """This instance's deployments that a worker runs (made by `prefect deploy`): `serve`
    must not rewrite them."""
    from prefect import get_client

    with get_client(sync_client=True) as client:
        names = [f"{flow_name(spec)}/{instance}" for spec in specs()]
        return [n for n in names if (d := _deployment(client, n)) and d.work_pool_name]


def require_deployment(instance: str) -> None:
    """CannotStart saying how to create `process-events/<instance>` if the server lacks it."""
    from prefect import get_client

    from hubflow.runtime.handover import FLOW
    from hubflow.runtime.supervise import CannotStart

    name = f"{FLOW}/{instance}"
    with get_client(sync_client=True) as client:
        if _deployment(client, name) is None:
            raise CannotStart(
                f"the Prefect server has no deployment {name}: in the hubflow folder run "
                f"`HUBFLOW_INSTANCE={instance} prefect deploy --all` (see the README, "
                "'Prefect server and workers')"
            )
