"""For operators' machines: is the process alive (`/livez`), is the instance ready to get
work done (`/readyz`, the checks of `hubflow status`), and its figures for Prometheus
(`/metrics`, only for a scraper holding the configured token)."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from hubflow.web.deps import Config, Db
from models.base import utcnow
from models.job_run import JobRun
from models.services.latency import Histogram, latencies
from models.services.system import Counts, counts, last_runs
from plumbing.health import checks

log = logging.getLogger("hubflow.web")
router = APIRouter()


@router.get("/livez")
def livez() -> JSONResponse:
    """The process answers (nothing else is asked: a restart would not cure the rest)."""
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
def readyz(settings: Config) -> JSONResponse:
    """Ready to serve and to get work done: the database and Prefect answer and nothing
    waits past its bound (as `hubflow status`). Each check's name and whether it holds;
    what it found is for the operator's `hubflow status` and the log, not the public."""
    found = checks(settings, now=utcnow())
    ready = all(c.ok for c in found)
    for c in found:
        if not c.ok:
            log.warning("not ready: %s: %s", c.name, c.says)
    return JSONResponse(
        {"status": "ok" if ready else "not ready", "checks": {c.name: c.ok for c in found}},
        status_code=200 if ready else 503,
    )


class _Figures(Collector):
    def __init__(self, found: Counts, times: list[Histogram], runs: dict[str, JobRun]) -> None:
        self.found, self.times, self.runs = found, times, runs

    def collect(self) -> Iterator[Metric]:
        hubs = GaugeMetricFamily(
            "hubflow_hubs", "Hubs by stage and status", labels=["stage", "status"]
        )
        for (stage, status), n in sorted(self.found.hubs.items()):
            hubs.add_metric([stage, status], n)
        forms = GaugeMetricFamily("hubflow_forms", "Forms received, by stage", labels=["stage"])
        for stage, n in sorted(self.found.forms.items()):
            forms.add_metric([stage], n)
        events = GaugeMetricFamily(
            "hubflow_events", "Domain events: waiting, in a flow run, processed", labels=["state"]
        )
        for state, n in self.found.events.items():
            events.add_metric([state], n)
        emails = GaugeMetricFamily(
            "hubflow_emails", "Emails in the outbox, by state", labels=["state"]
        )
        for state, n in self.found.emails.items():
            emails.add_metric([state], n)
        yield from (hubs, forms, events, emails)
        for h in self.times:
            histogram = HistogramMetricFamily(h.name, h.help)
            histogram.add_metric(
                [],
                [(str(le), n) for le, n in h.buckets] + [("+Inf", h.count)],
                sum_value=h.total,
            )
            yield histogram
        runs = CounterMetricFamily(
            "hubflow_job_runs",
            "Runs of the scheduled jobs (the sweep, the daily report, dispatch)",
            labels=["job"],
        )
        completed = GaugeMetricFamily(
            "hubflow_job_last_completed",
            "Whether each job's last run completed (1) or failed or is running (0)",
            labels=["job"],
        )
        failed = GaugeMetricFamily(
            "hubflow_job_last_failure_timestamp_seconds",
            "When each job last failed (Unix time; 0: never)",
            labels=["job"],
        )
        for name, run in sorted(self.runs.items()):
            job = [name.replace(" ", "_")]
            runs.add_metric(job, run.runs)
            completed.add_metric(job, 1 if run.outcome == "completed" else 0)
            failed.add_metric(job, run.last_failed_at.timestamp() if run.last_failed_at else 0)
        yield from (runs, completed, failed)


@router.get("/metrics")
def metrics(request: Request, session: Db, settings: Config) -> Response:
    """Prometheus' text format; without a configured token there is no such page."""
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else ""
    given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if not token:
        return PlainTextResponse("Not found", status_code=404)
    if not hmac.compare_digest(given.encode(), token.encode()):
        return PlainTextResponse("A bearer token is needed", status_code=401)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Figures(counts(session), latencies(session), last_runs(session)))
    return Response(generate_latest(registry), media_type="text/plain; version=0.0.4")
