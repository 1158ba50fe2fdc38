"""The staff dashboard's downloads: the same CSVs as `hubflow export`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hubflow.web.deps import Db, Staff
from hubflow.web.pages import campaign_today, message
from models.services.common import Actor
from models.services.exports import KINDS
from plumbing.exports import as_csv, rows_for

router = APIRouter(prefix="/staff")


@router.get("/export/{kind}.csv")
def download(request: Request, session: Db, me: Staff, kind: str, private: str = "") -> Response:
    """A CSV to open in a spreadsheet; every contact (`?private=1`) is recorded."""
    if kind not in KINDS:
        return message(request, "Not found", "There is no such download.", status=404)
    everyone = kind == "contacts" and private == "1"
    rows = rows_for(session, kind, include_private=everyone, actor=Actor.staff(me))
    name = f"hubflow-{kind}{'-all' if everyone else ''}-{campaign_today().isoformat()}.csv"
    return Response(
        as_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
