"""Column helpers: enums stored as their values, portable on SQLite and PostgreSQL."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


def enum_type(enum: type[StrEnum]) -> Enum:
    """A VARCHAR column that stores the enum's value and reads back the member."""
    return Enum(
        enum,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
