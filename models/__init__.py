"""The domain: typed tables, the lifecycle rules and the services that change state."""

from models.announcement import Announcement, AnnouncementHub
from models.audit import DomainEvent, StageChange
from models.base import Base
from models.email import Email, OptOut, Suppression
from models.hub import Contact, Hub, Submission
from models.job_run import JobRun
from models.legislature import Committee, CommitteeMembership, District, Legislator, StanceChange
from models.newcomer import Newcomer
from models.notes import Correction, Note
from models.plan import PlanTarget
from models.progress import ProgressReport, ReportAction
from models.reminders import HubReminder, ReviewReminder
from models.review import ReviewTask
from models.staff import StaffMember

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
