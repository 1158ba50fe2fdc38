"""Public pages about places: `/coverage` (a Hub in every district, by county, Senate
district or congressional district) and the directory searched by town (SPEC §1, §5)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from hubflow.db import session_factory
from hubflow.geography import geography
from hubflow.web.pages import page
from models.errors import InvalidInput
from models.services.areas import Area, AreaCoverage, by_area
from models.services.coverage import coverage
from models.services.directory import directory

router = APIRouter()

VIEWS = {
    "county": ("By county", Area.COUNTY),
    "senate": ("By Senate district", Area.SENATE),
    "congress": ("By congressional district", Area.CONGRESS),
}


@router.get("/coverage")
def coverage_page(request: Request, view: str = "county", without: str = "") -> Response:
    view = view if view in VIEWS else "county"
    only_without = without in ("1", "yes", "on")
    with session_factory()() as session:
        result = coverage(session)
        areas = by_area(session, geography(), result, VIEWS[view][1])
    return page(
        request,
        "coverage.html",
        {
            "counts": result.counts(),
            "areas": [_area(a, only_without=only_without) for a in areas],
            "views": [(key, words) for key, (words, _) in VIEWS.items()],
            "view": view,
            "without": only_without,
        },
    )


def _area(area: AreaCoverage, *, only_without: bool) -> dict[str, Any]:
    total = len(area.parts) or 1
    listed, in_progress = area.count("listed"), area.count("in_progress")
    return {
        "name": area.name,
        "members": area.members,
        "total": len(area.parts),
        "listed": listed,
        "in_progress": in_progress,
        "none": area.count("none"),
        "listed_pct": round(100 * listed / total, 1),
        "in_progress_pct": round(100 * in_progress / total, 1),
        "parts": [p for p in area.parts if not only_without or p.district.status == "none"],
    }


def _towns_districts(town: str) -> set[str] | None:
    """The House districts that cover a town, or None when the town is not one we know."""
    if not town.strip():
        return None
    try:
        return set(geography().lookup(town).house)
    except InvalidInput:
        return None


@router.get("/hubs")
def hubs_page(request: Request, town: str = "", district: str = "") -> Response:
    with session_factory()() as session:
        entries = directory(
            session,
            town=town or None,
            district=district or None,
            covering=_towns_districts(town),
        )
    return page(
        request,
        "directory.html",
        {
            "entries": entries,
            "town": town,
            "district": district,
            "districts": geography().house_districts,
            "towns": geography().towns,
        },
    )


@router.get("/hubs.json")
def hubs_json(town: str = "", district: str = "") -> JSONResponse:
    with session_factory()() as session:
        return JSONResponse(
            {
                "hubs": directory(
                    session,
                    town=town or None,
                    district=district or None,
                    covering=_towns_districts(town),
                )
            }
        )
