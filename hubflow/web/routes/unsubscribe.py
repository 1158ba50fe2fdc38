"""The page every email's unsubscribe link opens: which emails to get (reminders,
announcements), or none at all; and the one-click unsubscribe of mail clients."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from hubflow.web.deps import Config, Db
from hubflow.web.forms import checked, read_form, sentence
from hubflow.web.pages import message, page, redirect
from models.email import SuppressionReason, Topic
from models.services.suppressions import (
    choose_topics,
    opted_out,
    resubscribe,
    stop_topic,
    suppress,
)
from plumbing.email.outbox import is_suppressed
from plumbing.settings import Settings
from plumbing.tokens import LinkRefused, read_unsubscribe_token

router = APIRouter()

SHORT = {Topic.REMINDERS: "reminders and nudges", Topic.ANNOUNCEMENTS: "announcements"}


def topic_words(team: str) -> dict[Topic, str]:
    """Each topic a person may stop, as the unsubscribe page offers it."""
    return {
        Topic.REMINDERS: "Reminders and nudges before and after your Hub's deadlines",
        Topic.ANNOUNCEMENTS: f"Announcements from the {team} to many Hubs (trainings, hearings)",
    }


def _preferences(
    request: Request, session: Session, settings: Settings, token: str, *, status: int = 200
) -> Response:
    try:
        email, topic = read_unsubscribe_token(token)
    except LinkRefused as exc:
        return message(request, "Link not valid", sentence(str(exc)), status=404)
    return page(
        request,
        "unsubscribe.html",
        {
            "email": email,
            "token": token,
            "came_for": topic,
            "everything": is_suppressed(session, email),
            "stopped": opted_out(session, email),
            "topics": topic_words(settings.campaign.team),
            "short": SHORT,
        },
        status=status,
    )


@router.get("/unsubscribe/{token}")
def unsubscribe_page(request: Request, session: Db, settings: Config, token: str) -> Response:
    """One page for every choice: which topics to stop, or everything."""
    return _preferences(request, session, settings, token)


@router.post("/unsubscribe/{token}")
def unsubscribe(request: Request, session: Db, settings: Config, token: str) -> Response:
    """One click, from the link or the mail client (List-Unsubscribe-Post): a reminder's
    link stops reminders, any other email's stops everything. No CSRF token here on
    purpose: the signed token is the proof, and mail clients post without one."""
    try:
        email, topic = read_unsubscribe_token(token)
    except LinkRefused as exc:
        return message(request, "Link not valid", sentence(str(exc)), status=404)
    if topic is None:
        suppress(session, email, SuppressionReason.UNSUBSCRIBE, detail="unsubscribe link")
    else:
        stop_topic(session, email, topic)
    return _preferences(request, session, settings, token)


@router.post("/unsubscribe/{token}/choose")
async def choose(request: Request, session: Db, settings: Config, token: str) -> Response:
    """The page's form: the topics ticked are the ones that still come."""
    values = await read_form(request)
    try:
        email, _ = read_unsubscribe_token(token)
    except LinkRefused as exc:
        return message(request, "Link not valid", sentence(str(exc)), status=404)
    if checked(values, "everything"):
        suppress(session, email, SuppressionReason.UNSUBSCRIBE, detail="unsubscribe page")
        return redirect(f"/unsubscribe/{token}", flash=f"{email} gets no more emails from us.")
    stopped = {t for t in Topic if not checked(values, t.value)}
    choose_topics(session, email, stopped)
    if stopped:
        names = " or ".join(SHORT[t] for t in Topic if t in stopped)
        said = f"Saved: no more {names} to {email}."
    else:
        said = f"Saved: {email} gets every kind of email."
    return redirect(f"/unsubscribe/{token}", flash=said)


@router.post("/unsubscribe/{token}/resubscribe")
async def resubscribe_page(request: Request, session: Db, settings: Config, token: str) -> Response:
    await read_form(request)
    try:
        email, _ = read_unsubscribe_token(token)
    except LinkRefused as exc:
        return message(request, "Link not valid", sentence(str(exc)), status=404)
    resubscribe(session, email)
    return redirect(
        f"/unsubscribe/{token}", flash=f"{email} will get {settings.campaign.name}'s emails again."
    )
