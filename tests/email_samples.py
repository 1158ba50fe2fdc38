"""A sample context for every message kind: what the reactions hand the templates."""

from __future__ import annotations

from typing import Any

from models.email import MessageKind

EVIL = "<script>alert(1)</script>"


def hub(name: str = "South Shore M4A", stage: str = "onboarding") -> dict[str, Any]:
    return {
        "id": 7,
        "name": name,
        "district": "1st Norfolk",
        "stage": stage,
        "stage_label": stage.replace("_", " ").capitalize(),
        "due_label": "progress report" if stage == "listed" else stage.replace("_", " "),
        "next_steps": "report" if stage == "listed" else stage,
        "due_date": "2026-04-01",
        "link": "http://hubflow.test/hub/signed-token",
    }


def task() -> dict[str, Any]:
    return {
        "title": "Review South Shore M4A's onboarding",
        "due_date": "2026-03-20",
        "url": "http://hubflow.test/staff/reviews/3",
        "days_overdue": 4,
    }


def announcement(name: str) -> dict[str, Any]:
    """An announcement as staff write it (Markdown), filled in for one person."""
    from plumbing.email.announce import written

    text = written(
        "Training on Tuesday, {{ first_name }}",
        "Hi {{ first_name }},\n\nThe **{{ hub.name }}** training is on Tuesday at 7pm: "
        "[your Hub's page]({{ hub.link }}).\n\n- bring a friend\n- bring questions\n",
    )
    subject, body_html, body_text = text.fill(
        {"first_name": "Bo", "hub.name": name, "hub.link": "http://hubflow.test/hub/t"}
    )
    return {
        "announcement_subject": subject,
        "body_html": body_html,
        "body_text": body_text,
        "hub_name": name,
    }


def newcomer() -> dict[str, Any]:
    return {
        "name": "Pat Doe",
        "first_name": "Pat",
        "email": "pat@example.org",
        "phone": "617-555-0199",
        "town": "Quincy",
        "interests": ["Make phone calls", "Help at events"],
        "mark_url": "http://hubflow.test/newcomer/t",
    }


def context(kind: MessageKind, *, name: str = "South Shore M4A") -> dict[str, Any]:
    base: dict[str, Any] = {
        "hub": hub(name),
        "unsubscribe_url": "http://hubflow.test/u/x",
        "recipient_name": "Bo Diaz",
    }
    extra: dict[MessageKind, dict[str, Any]] = {
        MessageKind.INTEREST_RECEIVED: {"hub": hub(name, "interest"), "intro_days": 5},
        MessageKind.REVIEW_ASSIGNED: {"task": task()},
        MessageKind.SUBMISSION_RECEIVED: {
            "submission": {
                "stage_label": "First action",
                "version": 2,
                "sent": {
                    "title": "First action report",
                    "rows": [["Kind of action", "Canvass"], ["What happened", EVIL]],
                    "table": None,
                },
            },
            "review_days": 5,
        },
        MessageKind.STAGE_APPROVED: {"approved_stage_label": "First action"},
        MessageKind.CHANGES_REQUESTED: {
            "submission": {"stage_label": "First action", "version": 1},
            "comment": f"Please say how many people came. {EVIL}",
        },
        MessageKind.DECLINED: {
            "submission": {"stage_label": "Interest", "version": 1},
            "comment": "This group is in New Hampshire.",
        },
        MessageKind.LISTED_WELCOME: {
            "hub": hub(name, "listed"),
            "directory_url": "http://hubflow.test/hubs",
            "neighbours": [{"hub": "Quincy for M4A", "legislator": "Sen. John Keenan"}],
            "more_neighbours": 41,  # a large campaign: the first few named, the rest counted
            "more_nearby": 0,
            "nearby": [
                {
                    "hub": "Braintree for M4A",
                    "district": "4th Norfolk",
                    "shared": "the Norfolk and Plymouth Senate district",
                }
            ],
        },
        MessageKind.DUE_SOON: {"days_left": 7},
        MessageKind.DUE_TODAY: {},
        MessageKind.OVERDUE_NUDGE: {"days_overdue": 7, "nudge_number": 1},
        MessageKind.STALLED_ESCALATION: {"days_overdue": 14, "task": task()},
        MessageKind.REVIEW_OVERDUE: {"task": task()},
        MessageKind.DAILY_DIGEST: {
            "digest": {
                "date": "2026-03-24",
                "coverage": {"covered": 12, "listed": 3, "total": 160},
                "new_interest": [{"name": name, "district": "1st Norfolk"}],
                "moves": {"hubs_waiting_on_team": 4, "hubs_past_deadline": 2, "hubs_stalled": 1},
                "progress": {
                    "since": "2025-01-01",
                    "moved": 8,
                    "yesterday": [
                        {
                            "name": "Bruce Ayers",
                            "from": "Not a co-sponsor",
                            "to": "Co-sponsor",
                            "hub": name,
                        }
                    ],
                    "on_time": 20,
                    "due": 3,
                    "silent": 1,
                },
                "waiting": [
                    {
                        "title": "Intro call with " + name,
                        "owner": "Ann Lee",
                        "due_date": "2026-03-20",
                        "late": True,
                        "hub": name,
                        "hub_waiting": "waiting on the GO! Team for 9 days",
                    }
                ],
                "stalled": [
                    {
                        "name": name,
                        "district": "1st Norfolk",
                        "stage_label": "Onboarding",
                        "due_date": "2026-03-01",
                    }
                ],
            }
        },
        MessageKind.HUB_LINK: {"contacts_changed": False},
        MessageKind.HUB_IMPORTED: {},
        MessageKind.CONFIRM_ADDRESS: {"confirm_url": "http://hubflow.test/confirm/t"},
        MessageKind.HUB_REOPENED: {"reason": "We spoke again: the group has new members."},
        MessageKind.ANNOUNCEMENT: announcement(name),
        MessageKind.APPROVAL_ASKED: {
            "announcement": {
                "subject": f"Training for {name}",
                "author": "Ann Lee",
                "people": 1234,
                "url": "http://hubflow.test/staff/announcements/1",
            }
        },
        MessageKind.PROGRESS_RECEIVED: {
            "hub": hub(name, "listed"),
            "report": {
                "version": 2,
                "actions": ["Bruce Ayers", "John Keenan"],
                "claims": [{"legislator": "Bruce Ayers", "stance": "Co-sponsor"}],
            },
            "review_days": 5,
        },
        MessageKind.LEGISLATOR_MOVED: {
            "hub": hub(name, "listed"),
            "legislator": {
                "name": "Bruce Ayers",
                "from": "Not a co-sponsor",
                "to": "Co-sponsor",
                "rose": True,
            },
            "credited": {"name": f"Quincy {EVIL}", "mine": False},
        },
        MessageKind.MOVE_DECLINED: {
            "hub": hub(name, "listed"),
            "legislator": {
                "name": "Bruce Ayers",
                "claimed": "Co-sponsor",
                "now": "Not a co-sponsor",
            },
            "reason": f"The bill's list does not have him yet. {EVIL}",
        },
        MessageKind.REVISION_DECIDED: {
            "hub": hub(name, "listed"),
            "decision": "request_changes",
            "version": 2,
            "comment": f"Add a target date for the Senator. {EVIL}",
        },
        MessageKind.NEWCOMER_WELCOME: {
            "first_name": "Pat",
            "phone_given": True,
            "hub": {
                "name": name,
                "district": "1st Norfolk",
                "meets": "A monthly meeting: first Tuesday, 7pm, at the library",
                "contacts": [{"name": "Bo Diaz", "email": "bo@example.org", "phone": ""}],
            },
        },
        MessageKind.NEWCOMER_WAITING: {
            "first_name": "Pat",
            "district": "1st Norfolk",
            "forming": [name],
        },
        MessageKind.NEWCOMER_TO_HUB: {"hub_name": name, "newcomer": newcomer()},
        MessageKind.NEWCOMER_LIST: {"hub_name": name, "newcomers": [newcomer(), newcomer()]},
        MessageKind.NEWCOMER_REMINDER: {"hub_name": name, "newcomer": newcomer(), "days": 7},
    }
    return {**base, **extra[kind]}
