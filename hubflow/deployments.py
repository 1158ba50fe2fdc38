"""The deployments of prefect.yaml, as `hubflow serve` runs them without a worker."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
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


def runner_deployments() -> list[Any]:
    from prefect.client.schemas.schedules import construct_schedule

    deployments = []
    for spec in specs():
        schedules = [construct_schedule(**s) for s in spec.schedules]
        deployments.append(
            load_flow(spec.entrypoint).to_deployment(
                name=spec.name,
                description=spec.description,
                tags=list(spec.tags),
                schedules=schedules or None,
                parameters=spec.parameters,
            )
        )
    return deployments
