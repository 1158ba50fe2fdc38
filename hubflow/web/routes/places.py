"""Public pages about places: `/coverage` (a Hub in every district, by county, Senate
district or congressional district) and the directory searched by town (SPEC §1, §5)."""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from hubflow.web.boundary import MAX_ID
from hubflow.web.deps import Config, Db
from hubflow.web.pages import Paging, campaign_today, page
from hubflow.web.progress_content import progress_context
from models.errors import InvalidInput
from models.geography import natural_key
from models.services import newcomer_views
from models.services.areas import Area, AreaCoverage, Part, by_area
from models.services.coverage import coverage
from models.services.directory import Search, count_listed, directory
from models.services.kept import kept
from models.services.queries import covered_districts
from plumbing.geography import geography

router = APIRouter()

HUBS_PER_PAGE = 20  # a phone's few screens: the directory grows with the campaign
JSON_PER_PAGE = 200  # /hubs.json: the whole directory is the published file (publish-directory)

VIEWS = {
    "county": ("By county", Area.COUNTY),
    "senate": ("By Senate district", Area.SENATE),
    "congress": ("By congressional district", Area.CONGRESS),
}


@router.get("/coverage")
def coverage_page(
    request: Request, session: Db, settings: Config, view: str = "county", without: str = ""
) -> Response:
    # Without town data (a state other than Massachusetts): the districts in one list.
    views = VIEWS if geography() else {}
    view = view if view in views else "county"
    only_without = without in ("1", "yes", "on")
    today = campaign_today()
    return page(
        request,
        "coverage.html",
        # Worked out again only when the campaign changes (models.services.kept).
        kept(
            session,
            ("coverage", view, only_without, today),
            lambda: _coverage(session, settings, views, view, only_without, today),
        ),
    )


def _coverage(
    session: Session,
    settings: Any,
    views: dict[str, tuple[str, Area]],
    view: str,
    only_without: bool,
    today: date,
) -> dict[str, Any]:
    result = coverage(session, public=True, targeting=False, names=3)  # what a cell shows
    if views:
        areas = by_area(session, geography(), result, views[view][1])
    else:
        ordered = sorted(result.house, key=lambda d: natural_key(d.district))
        areas = [AreaCoverage("Every district", [], [Part(d, 1.0) for d in ordered])]
    waiting = newcomer_views.waiting_by_district(session)
    return {
        "counts": result.counts(),
        "areas": [_area(a, only_without=only_without, waiting=waiting) for a in areas],
        "views": [(key, words) for key, (words, _) in views.items()],
        "view": view,
        "without": only_without,
        # Neighbours waiting for a Hub in each district (a count: no one is named).
        "waiting": waiting,
        # Legislators moving, and the Hubs' reports, counted (#32).
        **progress_context(session, settings, today, public=True),
    }


def _area(area: AreaCoverage, *, only_without: bool, waiting: dict[str, int]) -> dict[str, Any]:
    return {
        "waiting": sum(waiting.get(p.district.district, 0) for p in area.parts),
        "name": area.name,
        "members": area.members,
        "total": len(area.parts),
        "listed": area.count("listed"),
        "in_progress": area.count("in_progress"),
        "parts": [p for p in area.parts if not only_without or p.district.status == "none"],
    }


def _search(town: str, district: str) -> Search:
    """The directory's search: for a town we know, also the House districts it lies in (a
    name that is not one is still searched among the Hubs' towns)."""
    covering = None
    if town.strip():
        with suppress(InvalidInput):
            covering = frozenset(geography().lookup(town).house)
    return Search(town=town or None, district=district or None, covering=covering)


def _found(
    session: Session, town: str, district: str, *, asked: int, per_page: int, path: str
) -> tuple[Paging, list[dict[str, Any]]]:
    """One page of the directory's search, and where it stands among the pages."""
    search = _search(town, district)
    paging = Paging.of(
        total=count_listed(session, search),
        asked=asked,
        per_page=per_page,
        path=path,
        filters={"town": town, "district": district},
    )
    return paging, directory(session, search, offset=paging.offset, limit=per_page)


@router.get("/hubs")
def hubs_page(
    request: Request,
    session: Db,
    town: str = "",
    district: str = "",
    page_no: int = Query(1, alias="page", ge=1, le=MAX_ID),
) -> Response:
    paging, entries = _found(
        session, town, district, asked=page_no, per_page=HUBS_PER_PAGE, path="/hubs"
    )
    return page(
        request,
        "directory.html",
        {
            "entries": entries,
            "paging": paging,
            "town": town,
            "district": district,
            "districts": covered_districts(session),
            "towns": geography().towns,
        },
    )


@router.get("/hubs.json")
def hubs_json(
    session: Db,
    town: str = "",
    district: str = "",
    page_no: int = Query(1, alias="page", ge=1, le=MAX_ID),
) -> JSONResponse:
    """The directory for machines, a page of JSON_PER_PAGE at a time: `next` is the path of
    the page after it, or null on the last."""
    paging, found = _found(
        session, town, district, asked=page_no, per_page=JSON_PER_PAGE, path="/hubs.json"
    )
    return JSONResponse(
        {
            "hubs": found,
            "total": paging.total,
            "page": paging.page_no,
            "pages": paging.pages,
            "next": paging.next_url,
        }
    )
