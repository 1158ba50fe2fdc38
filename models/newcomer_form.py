"""The "Get involved" form (#31): a neighbour who wants to help, validated with errors that
name the field (the same rules as /join's contact fields)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from models.forms import Email, Text, check_phone


class NewcomerForm(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    name: Text
    email: Email
    phone: str = Field("", max_length=40)
    town: Text
    district: Text
    interests: list[str] = Field(default_factory=list, max_length=12)
    consent: bool

    @field_validator("phone")
    @classmethod
    def _a_phone_if_given(cls, value: str) -> str:
        return check_phone(value) if value.strip() else ""

    @field_validator("interests")
    @classmethod
    def _from_the_list(cls, value: list[str], info: ValidationInfo) -> list[str]:
        allowed = (info.context or {}).get("interests") or {}
        if not value:
            raise ValueError("choose at least one thing you would like to do")
        wrong = [v for v in value if v not in allowed]
        if wrong:
            raise ValueError("choose from the list")
        return list(dict.fromkeys(value))

    @field_validator("consent")
    @classmethod
    def _must_consent(cls, value: bool) -> bool:
        if not value:
            raise ValueError(
                "a Hub can only get in touch if you agree to share your details with it"
            )
        return value
