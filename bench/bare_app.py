"""The baseline for bench/join.py: a bare FastAPI handler for the same form, storing nothing."""

from __future__ import annotations

from fastapi import FastAPI, Form
from fastapi.responses import HTMLResponse

app = FastAPI()


@app.post("/join")
def join(group_name: str = Form(...), email: str = Form(...)) -> HTMLResponse:
    return HTMLResponse(f"<p>Thank you, {group_name} ({email})</p>")
