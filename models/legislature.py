"""Districts, legislators, committees and stances (SPEC §5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, JSONType, utcnow
from models.columns import enum_type
from models.enums import Chamber, Stance
from models.geography import natural_key


def district_order(name: str) -> str:
    """A district's place in the order people count them, as text a database sorts:
    "bristol|00010|" comes after "bristol|00002|"."""
    rest, number, tie = natural_key(name)
    return f"{rest.casefold()}|{number:05d}|{tie.casefold()}"


class District(Base):
    __tablename__ = "districts"
    __table_args__ = (UniqueConstraint("chamber", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chamber: Mapped[Chamber] = mapped_column(enum_type(Chamber))
    name: Mapped[str] = mapped_column(String(80))
    division_id: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)
    # How many members it elects: one in Massachusetts, up to 11 in New Hampshire's House.
    seats: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    # Its place in the order people count districts (1st, 2nd, … 10th Bristol), for ORDER BY.
    sort_key: Mapped[str] = mapped_column(
        String(200),
        default=lambda ctx: district_order(ctx.get_current_parameters()["name"]),
        server_default="",
    )

    legislators: Mapped[list[Legislator]] = relationship(back_populates="district")

    @property
    def members(self) -> list[Legislator]:
        """The active legislators holding its seats, by name."""
        return sorted((leg for leg in self.legislators if leg.active), key=lambda leg: leg.name)

    @property
    def vacancies(self) -> int:
        """Seats without a member."""
        return max(self.seats - len(self.members), 0)


class Legislator(Base):
    __tablename__ = "legislators"

    id: Mapped[int] = mapped_column(primary_key=True)
    ocd_id: Mapped[str] = mapped_column(String(80), unique=True)
    chamber: Mapped[Chamber] = mapped_column(enum_type(Chamber))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    given_name: Mapped[str] = mapped_column(String(80), default="")
    family_name: Mapped[str] = mapped_column(String(80), default="")
    other_names: Mapped[list[str]] = mapped_column(JSONType, default=list)
    party: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    stance: Mapped[Stance] = mapped_column(enum_type(Stance), default=Stance.NOT_COSPONSOR)
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    district: Mapped[District] = relationship(back_populates="legislators")
    memberships: Mapped[list[CommitteeMembership]] = relationship(back_populates="legislator")


class Committee(Base):
    __tablename__ = "committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    ocd_id: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    chamber: Mapped[str] = mapped_column(String(20))

    memberships: Mapped[list[CommitteeMembership]] = relationship(back_populates="committee")


class CommitteeMembership(Base):
    __tablename__ = "committee_memberships"
    __table_args__ = (UniqueConstraint("committee_id", "legislator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"))
    legislator_id: Mapped[int] = mapped_column(ForeignKey("legislators.id"), index=True)
    role: Mapped[str] = mapped_column(String(60), default="member")

    committee: Mapped[Committee] = relationship(back_populates="memberships")
    legislator: Mapped[Legislator] = relationship(back_populates="memberships")


class StanceChange(Base):
    """Every change of a legislator's stance: who, when, from, to, why."""

    __tablename__ = "stance_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    legislator_id: Mapped[int] = mapped_column(ForeignKey("legislators.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    from_stance: Mapped[Stance] = mapped_column(enum_type(Stance))
    to_stance: Mapped[Stance] = mapped_column(enum_type(Stance))
    reason: Mapped[str] = mapped_column(Text, default="")
    # Credited when a Hub's report claimed the move and staff confirmed it (#32).
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hubs.id"), default=None, index=True)
    report_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_actions.id"), default=None
    )
