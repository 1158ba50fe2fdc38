"""What checking a campaign file rests on: the states Open States knows and their chambers'
names (shipped, so that a start need not import openstates-metadata's 58 modules), email
addresses, and a record of a file whose addresses passed the check."""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Annotated, Any, NamedTuple

from pydantic import AfterValidator, ValidationInfo

# Each state's name and its chambers' names and titles, drawn from openstates-metadata
# (plumbing.openstates.write_legislature_names makes it; a test checks it still matches).
LEGISLATURES = Path(__file__).parent / "data" / "legislatures.json"


def _an_address(value: str, info: ValidationInfo) -> str:
    """An email address, checked as pydantic's EmailStr checks it (email-validator, whose
    import compiles its rules: ~20 ms), unless this very file passed that check before."""
    if info.context and info.context.get("addresses_checked"):
        return value
    from pydantic.networks import validate_email

    return validate_email(value)[1]


Address = Annotated[str, AfterValidator(_an_address)]


class ChamberName(NamedTuple):
    name: str  # "House", "Nebraska Legislature"
    title: str  # "Representative", "Senator"


@cache
def legislatures() -> dict[str, Any]:
    return dict(json.loads(LEGISLATURES.read_text(encoding="utf-8")))


# The checks a file's verdict rests on: this module and the campaign's (plumbing/campaign.py).
CHECKS = (__file__, str(Path(__file__).with_name("campaign.py")))


def digest(text: bytes) -> str:
    """What the check's verdict rests on: the file, these checks, email-validator's rules."""
    summed = hashlib.sha256(text)
    spec = find_spec("email_validator")
    for module in (*CHECKS, spec.origin if spec else None):
        if module:
            stat = os.stat(module)
            summed.update(f"|{module}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return summed.hexdigest()


def recorded(record: Path | None) -> str:
    try:
        return record.read_text(encoding="ascii").strip() if record else ""
    except (OSError, UnicodeDecodeError):
        return ""


def keep(record: Path, digest: str) -> None:
    """Keep `digest` in `record`, whole or not at all; a folder hubflow cannot write to
    (or that is not there yet) keeps nothing, and the file is checked at every start."""
    partial = record.with_name(f".{record.name}.{os.getpid()}")
    try:
        partial.write_text(digest + "\n", encoding="ascii")
        os.replace(partial, record)
    except OSError:
        partial.unlink(missing_ok=True)
