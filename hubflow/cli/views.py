"""Plain dictionaries of domain objects, shared by tables and `--json`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plumbing.csvfiles import write_csv

if TYPE_CHECKING:  # what a command lists is imported by the command, not here
    from models.audit import StageChange
    from models.email import Email
    from models.hub import Hub, Submission
    from models.legislature import District, Legislator, StanceChange
    from models.review import ReviewTask
    from models.services.areas import AreaCoverage
    from models.services.coverage import Coverage, DistrictCoverage, HubRef
    from models.services.queries import HubDetail
    from models.staff import StaffMember


def hub_row(hub: Hub) -> dict[str, Any]:
    return {
        "id": hub.id,
        "name": hub.name,
        "kind": hub.kind.value,
        "towns": list(hub.towns),
        "district": hub.district.name,
        "stage": hub.stage.value,
        "status": hub.status.value,
        "due": hub.stage_due_date,
    }


def submission_row(sub: Submission) -> dict[str, Any]:
    return {
        "id": sub.id,
        "hub_id": sub.hub_id,
        "hub": sub.hub.name if sub.hub else None,
        "stage": sub.stage.value,
        "version": sub.version,
        "state": sub.state.value,
        "submitted_at": sub.submitted_at,
        "decided_by": sub.decided_by,
        "decided_at": sub.decided_at,
        "comment": sub.comment,
    }


def change_row(change: StageChange) -> dict[str, Any]:
    return {
        "at": change.at,
        "actor": change.actor,
        "from": f"{change.from_stage or '-'}/{change.from_status or '-'}",
        "to": f"{change.to_stage}/{change.to_status}",
        "reason": change.reason,
    }


def review_row(task: ReviewTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "kind": task.kind.value,
        "title": task.title,
        "owner_id": task.owner_id,
        "due": task.due_date,
        "state": task.state.value,
    }


def hub_detail(detail: HubDetail) -> dict[str, Any]:
    hub = detail.hub
    return {
        **hub_row(hub),
        "contacts": [
            {
                "name": c.name,
                "email": c.email,
                "phone": c.phone,
                "role": c.role.value,
                "consent_to_publish": c.consent_to_publish,
            }
            for c in hub.contacts
        ],
        "submissions": [submission_row(s) for s in detail.submissions],
        "history": [change_row(c) for c in detail.history],
        "reviews": [review_row(r) for r in detail.reviews],
    }


def district_row(district: District) -> dict[str, Any]:
    members = district.members
    return {
        "id": district.id,
        "chamber": district.chamber.value,
        "name": district.name,
        "seats": district.seats,
        "legislator": ", ".join(m.name for m in members) or None,
        "party": ", ".join(m.party for m in members) or None,
        "members": [{"name": m.name, "party": m.party} for m in members],
        "vacant": district.vacancies,
    }


def staff_row(member: StaffMember) -> dict[str, Any]:
    return {"id": member.id, "name": member.name, "email": member.email, "active": member.active}


def email_row(email: Email) -> dict[str, Any]:
    return {
        "id": email.id,
        "kind": email.kind.value,
        "hub_id": email.hub_id,
        "to": email.to_email,
        "subject": email.subject,
        "state": email.state.value,
        "attempts": email.attempts,
        "last_error": email.last_error,
        "created_at": email.created_at,
        "sent_at": email.sent_at,
        "delivery": email.delivery,  # what SendGrid last said (its Event Webhook)
        "delivery_at": email.delivery_at,
        "key": email.key,
    }


def _committee_role(leg: Legislator, committee: str) -> str | None:
    from models.services.legislators import committee_role

    return committee_role(leg, committee)


def legislator_row(leg: Legislator, committee: str) -> dict[str, Any]:
    return {
        "id": leg.id,
        "chamber": leg.chamber.value,
        "district": leg.district.name,
        "name": leg.name,
        "party": leg.party,
        "email": leg.email,
        "stance": leg.stance.value,
        "committee_role": _committee_role(leg, committee),
        "active": leg.active,
    }


def stance_change_row(change: StanceChange) -> dict[str, Any]:
    return {
        "at": change.at,
        "actor": change.actor,
        "from": change.from_stance.value,
        "to": change.to_stance.value,
        "reason": change.reason,
    }


def _hub_ref(ref: HubRef) -> dict[str, Any]:
    return {"id": ref.id, "name": ref.name, "stage": ref.stage.value, "status": ref.status.value}


def _district_coverage(d: DistrictCoverage) -> dict[str, Any]:
    row: dict[str, Any] = {
        "district": d.district,
        "seats": d.seats,
        "legislator": d.legislator,
        "stance": d.stance.value if d.stance else None,
        "members": [{"name": m.name, "stance": m.stance.value} for m in d.members],
        "vacant": d.vacancies,
    }
    if d.chamber.value == "house":
        row["status"] = d.status
        row["listed"] = [_hub_ref(h) for h in d.listed]
        row["in_progress"] = [_hub_ref(h) for h in d.in_progress]
    row["targeted_by"] = [_hub_ref(h) for h in d.targeting]
    row["hubs"] = ", ".join(
        f"{h.name} ({h.stage.value})" for h in (d.listed + d.in_progress or d.targeting)
    )
    return row


def coverage(result: Coverage) -> dict[str, Any]:
    return {
        "counts": result.counts(),
        "house": [_district_coverage(d) for d in result.house],
        "senate": [_district_coverage(d) for d in result.senate],
    }


def write_coverage_csv(house: list[dict[str, Any]], path: Path) -> None:
    """One line per district; '-' writes to the terminal."""
    out = sys.stdout if str(path) == "-" else path.open("w", newline="", encoding="utf-8")
    try:
        header = ["district", "seats", "legislator", "stance", "status", "listed", "in_progress"]
        write_csv(
            out,
            header,
            (
                [
                    d["district"],
                    d["seats"],
                    ", ".join([m["name"] for m in d["members"]] + ["(vacant)"] * d["vacant"]),
                    d["stance"] or "",
                    d["status"],
                    "; ".join(h["name"] for h in d["listed"]),
                    "; ".join(f"{h['name']} ({h['stage']})" for h in d["in_progress"]),
                ]
                for d in house
            ),
        )
    finally:
        if out is not sys.stdout:
            out.close()


COVER_WORDS = {"listed": "Listed", "in_progress": "In progress", "none": "Without a Hub"}
AREA_WORDS = {
    "house": "House district",
    "senate": "Senate district",
    "congress": "congressional district",
    "county": "county",
}


def area_rows(areas: list[AreaCoverage]) -> list[dict[str, Any]]:
    """Each area with its House districts (and the share of their precincts there)."""
    return [
        {
            "area": a.name,
            "members": a.members,
            "house_districts": len(a.parts),
            "listed": a.count("listed"),
            "in_progress": a.count("in_progress"),
            "without_a_hub": a.count("none"),
            "districts": [
                {
                    "district": p.district.district,
                    "share": round(p.share, 3),
                    "status": p.district.status,
                    "hubs": [h.name for h in p.district.listed + p.district.in_progress],
                }
                for p in a.parts
            ],
        }
        for a in areas
    ]


def area_line(row: dict[str, Any]) -> dict[str, Any]:
    """An area row as the table prints it."""
    return {**row, "members": ", ".join(row["members"]) or "—"}


def write_area_csv(rows: list[dict[str, Any]], path: Path, area: str) -> None:
    """One line per House district of each area; '-' writes to the terminal."""
    out = sys.stdout if str(path) == "-" else path.open("w", newline="", encoding="utf-8")
    try:
        write_csv(
            out,
            [area, "members", "house_district", "share_of_its_precincts", "status", "hubs"],
            (
                [
                    row["area"],
                    "; ".join(row["members"]),
                    d["district"],
                    f"{d['share']:.0%}",
                    COVER_WORDS[d["status"]],
                    "; ".join(d["hubs"]),
                ]
                for row in rows
                for d in row["districts"]
            ),
        )
    finally:
        if out is not sys.stdout:
            out.close()
