"""An announcement's page: its text, its audience in words with exact counts and who is
left out, a preview for one real Hub, and, once sent, how it went and who got it."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from hubflow.web.pages import Paging, campaign_zone, page
from models.announcement import AnnouncementState
from models.base import utcnow
from models.enums import Stage, Status
from models.geography import COUNTIES, congressional_district
from models.services import announcements
from models.services.announcement_views import figures, received
from models.services.audience import CONTACTS, LISTED, WHOSE, Audience, describe, house_names
from models.services.staff import list_staff
from models.staff import StaffMember
from plumbing.geography import geography
from plumbing.settings import Settings
from tasks.reactions.announce import audience_reach, email_for

PER_PAGE = 100


def audience_choices(session: Session) -> dict[str, Any]:
    geo = geography()
    return {
        "stage_options": [(s.value, s.label) for s in Stage],
        "status_options": [(s.value, s.label) for s in Status],
        "whose_choices": WHOSE,
        "listed_choices": LISTED,
        "contact_choices": CONTACTS,
        "county_options": [(c, c) for c in COUNTIES] if geo else [],
        "senate_districts": geo.senate_districts if geo else [],
        "congress_options": [
            (str(n), congressional_district(n)) for n in geo.congressional_districts
        ]
        if geo
        else [],
        "house_districts": house_names(session),
        "team": list_staff(session),
        "merge_fields": announcements.MERGE_FIELDS,
    }


def show(
    request: Request,
    session: Session,
    settings: Settings,
    me: StaffMember,
    announcement_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    page_no: int = 1,
    status: int = 200,
) -> Response:
    found = announcements.load(session, announcement_id)
    audience = Audience.from_dict(found.audience)
    context: dict[str, Any] = {
        "a": found,
        "audience_lines": describe(audience, list_staff(session)),
        "errors": errors or {},
        "values": values or {},
        "zone": campaign_zone(),
        "approval_over": settings.campaign.announcements.approval_over,
        "can_approve": found.state is AnnouncementState.AWAITING_APPROVAL
        and found.author_id != me.id,
        "now_local": utcnow().astimezone(campaign_zone()).strftime("%Y-%m-%dT%H:%M"),
    }
    if found.state in (AnnouncementState.SENDING, AnnouncementState.SENT):
        context["figures"] = figures(session, found)
        paging = Paging.of(
            total=context["figures"].queued,
            asked=page_no,
            per_page=PER_PAGE,
            path=f"/staff/announcements/{found.id}",
            filters={},
        )
        context["paging"] = paging
        context["received"] = received(session, found, limit=PER_PAGE, offset=paging.offset)
    else:
        who = audience_reach(session, found, settings)
        context["reach"] = who
        person = who.people[0] if who.people else None
        context["preview_for"] = person
        if person is not None:
            context["preview"] = email_for(found, person, settings=settings, now=utcnow())
    return page(request, "staff_announcement.html", context, staff=me, status=status)
