"""The domain: typed tables, the lifecycle rules and the services that change state.

Importing a part of the domain (`models.errors`, `models.hub`) loads that part and what it
names, not every table: a command that lists Hubs starts without the announcements, emails
and reports it never reads. A name asked of the package itself (`from models import Base`,
`models.Hub`) loads every table first, so `Base.metadata` is the whole schema wherever it
is used that way (migrations, backups, tests).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Every table's class, by the module that defines it.
TABLES = {
    "models.announcement": ("Announcement", "AnnouncementHub"),
    "models.audit": ("DomainEvent", "StageChange"),
    "models.email": ("Email", "OptOut", "Suppression"),
    "models.hub": ("Contact", "Hub", "Submission"),
    "models.job_run": ("JobRun",),
    "models.legislature": (
        "Committee",
        "CommitteeMembership",
        "District",
        "Legislator",
        "StanceChange",
    ),
    "models.newcomer": ("Newcomer",),
    "models.notes": ("Correction", "Note"),
    "models.plan": ("PlanTarget",),
    "models.progress": ("ProgressReport", "ReportAction"),
    "models.reminders": ("HubReminder", "ReviewReminder"),
    "models.review": ("ReviewTask",),
    "models.staff": ("StaffMember",),
}
_WHERE = {name: module for module, names in TABLES.items() for name in names}

if TYPE_CHECKING:
    from models.announcement import Announcement, AnnouncementHub
    from models.audit import DomainEvent, StageChange
    from models.base import Base
    from models.email import Email, OptOut, Suppression
    from models.hub import Contact, Hub, Submission
    from models.job_run import JobRun
    from models.legislature import (
        Committee,
        CommitteeMembership,
        District,
        Legislator,
        StanceChange,
    )
    from models.newcomer import Newcomer
    from models.notes import Correction, Note
    from models.plan import PlanTarget
    from models.progress import ProgressReport, ReportAction
    from models.reminders import HubReminder, ReviewReminder
    from models.review import ReviewTask
    from models.staff import StaffMember


def load_all() -> None:
    """Register every table with `Base.metadata` (and every class with the mapper)."""
    for module in TABLES:
        importlib.import_module(module)


def __getattr__(name: str) -> Any:
    if name == "Base" or name in _WHERE:
        load_all()
        module = importlib.import_module(_WHERE.get(name, "models.base"))
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'models' has no attribute {name!r}")


__all__ = [
    "Announcement",
    "AnnouncementHub",
    "Base",
    "Committee",
    "CommitteeMembership",
    "Contact",
    "Correction",
    "District",
    "DomainEvent",
    "Email",
    "Hub",
    "HubReminder",
    "JobRun",
    "Legislator",
    "Newcomer",
    "Note",
    "OptOut",
    "PlanTarget",
    "ProgressReport",
    "ReportAction",
    "ReviewReminder",
    "ReviewTask",
    "StaffMember",
    "StageChange",
    "StanceChange",
    "Submission",
    "Suppression",
]
