"""A listed Hub's page (#32): the progress report form, one closed section per legislator
of its plan, its earlier reports, and the plan revision it may send."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from hubflow.web import forms
from hubflow.web.forms import sentence
from models.enums import Chamber, Stance, SubmissionState
from models.hub import Hub, Submission
from models.legislature import Legislator
from models.services import progress, progress_figures, progress_views
from models.services.timeline import Version
from plumbing.settings import Settings

REPORT_FIELDS = ("kind", "done_on", "people", "response", "moved_to")
_WORDS = {
    "target": "who",
    "kind": "what you did",
    "done_on": "when",
    "people": "how many took part",
    "response": "what they said or did",
    "moved_to": "did they move",
}


def report_rows(session: Session, hub: Hub) -> list[dict[str, Any]]:
    """The legislators of the Hub's plan, each with the stances a move may claim."""
    rows = []
    for target in progress.plan_of(session, hub.id):
        leg = session.get(Legislator, target.legislator_id) if target.legislator_id else None
        rows.append(
            {
                "id": target.id,
                "name": target.legislator_name,
                "role": target.role.label,
                "goal": target.goal.label,
                "stance": leg.stance.label if leg else None,
                # The stances beyond where they stand (none kept for a name typed in).
                "moves": [("none", "No change yet")]
                + [(s.value, s.label) for s in Stance if s.rank > leg.stance.rank]
                if leg
                else [],
            }
        )
    return rows


def report_payload(values: Mapping[str, str], rows: list[int]) -> tuple[dict[str, Any], list[int]]:
    """The report from the form: a legislator's section counts when anything is typed in
    it; for each action, the plan row it came from."""
    actions, used = [], []
    for target in rows:
        p = f"a-{target}-"
        typed = {field: values.get(p + field, "") for field in REPORT_FIELDS}
        if any(typed[f] for f in REPORT_FIELDS[:4]) or typed["moved_to"] not in ("", "none"):
            actions.append({"target": target, **typed})
            used.append(target)
    return {"actions": actions, "note": values.get("note", "")}, used


def report_errors(errors: Mapping[str, str], used: list[int]) -> dict[str, str]:
    """The service's `actions.0.kind` as the form's `a-<row>-kind`, said as sentences."""
    out: dict[str, str] = {}
    for path, message in errors.items():
        parts = path.split(".")
        if len(parts) >= 3 and parts[0] == "actions" and parts[1].isdigit():
            index = int(parts[1])
            name = f"a-{used[index]}-{parts[2]}" if index < len(used) else "actions"
        else:
            name = parts[0]
        out.setdefault(name, sentence(message))
    return out


def listed_context(
    session: Session,
    hub: Hub,
    *,
    errors: Mapping[str, str],
    values: Mapping[str, str],
    actions: Mapping[str, str],
) -> dict[str, Any]:
    """What a listed Hub's page shows beyond the rest: its report form, reports, revision."""
    rows = report_rows(session, hub)
    labels = {"actions": "The report", "note": "Anything else"}
    for row in rows:
        for field, words in _WORDS.items():
            labels[f"a-{row['id']}-{field}"] = f"{row['name']}: {words}"
    opened = {
        row["id"]
        for row in rows
        if any(name.startswith(f"a-{row['id']}-") for name in errors)
        or any(values.get(f"a-{row['id']}-{f}") not in (None, "", "none") for f in REPORT_FIELDS)
    }
    # Its latest plan, once listed: a revision waiting for staff, or one sent back.
    latest = progress_views.latest_plan(session, hub.id)
    state = latest.state if latest is not None else None
    return {
        "report_rows": rows,
        "report_labels": labels,
        "open_reports": opened,
        "report_kinds": list(actions.items()),
        "reports": progress_views.reports_of(session, hub.id),
        "revision_waiting": latest if state is SubmissionState.PENDING else None,
        "revision_sent_back": latest if state is SubmissionState.CHANGES_REQUESTED else None,
    }


def revision_values(
    sent_back: Submission | None, approved: Version | None, rows: list[dict[str, Any]]
) -> dict[str, str]:
    """The revision form, filled: the revision sent back for changes, or else the approved
    plan, each legislator of the page at the stance they hold today."""
    source = sent_back.payload if sent_back is not None else None
    if source is None and approved is not None:
        source = approved.submission.payload
    values = forms.values_from(source, rows) if source else {}
    for i, row in enumerate(rows):
        if row["id"]:
            values.pop(f"targets-{i}-stance", None)
    return values


def progress_context(
    session: Session, settings: Settings, today: date, *, public: bool = False
) -> dict[str, Any]:
    """The Hubs' work after listing (#32), for the dashboard and (counted) coverage."""
    start = settings.campaign.progress.session_start(today)
    return {
        "progress": progress_figures.progress(
            session, today=today, session_start=start, zone=settings.policy.zone, public=public
        ),
        "chamber_words": {c.value: c.label for c in Chamber},
    }
