"""One Settings class, read from the environment or `.env` (SPEC §7)."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PrivateAttr, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.policy import Policy
from plumbing.campaign import DEFAULT_FILE, Campaign, read_campaign, use


class Settings(BaseSettings):
    """Everything hubflow reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="HUBFLOW_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_nested_delimiter="__",
        extra="ignore",
    )

    database_url: str = "sqlite:///hubflow.db"
    email_backend: Literal["outbox", "sendgrid"] = "outbox"
    sendgrid_api_key: SecretStr | None = Field(default=None, validation_alias="SENDGRID_API_KEY")
    sendgrid_host: str = "https://api.sendgrid.com"
    from_email: str = "go-team@masscare.org"
    go_team_email: str = "go-team@masscare.org"
    # Signs staff sessions, Hub links, unsubscribe links and CSRF tokens. Unset, it is read
    # from `<data_dir>/secret_key`, which `hubflow init` writes; without either (or with a
    # published default) hubflow refuses to start, unless `dev_mode` is set.
    secret_key: SecretStr | None = None
    data_dir: Path = Path(".")
    dev_mode: bool = False
    # Where links in emails point. Unset, it follows the web app's --host and --port.
    base_url: str = "http://127.0.0.1:8000"
    # One instance, one namespace on a Prefect server: its deployments, flow runs and
    # events carry this name, and a run refuses events of another instance. Unset, it is
    # derived from the database URL (two databases never share a name).
    instance: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    # Events handed to a flow run that crashed, failed or was cancelled are handed over
    # again after this long (and a run still "running" after `run_timeout_seconds` is
    # closed as crashed).
    handover_retry_seconds: float = Field(60.0, ge=1)
    run_timeout_seconds: float = Field(1800.0, ge=60)
    outbox_dir: Path = Path("outbox")
    # "json": the long-running commands (serve, relay, web, process) log one JSON object
    # per line on stderr, from `log_level` up (plumbing/logs.py); "text": as before.
    log_format: Literal["text", "json"] = "text"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Where `publish-directory` writes the public directory (hubs.json).
    public_dir: Path = Path("public")
    # Delivery: how long one SendGrid request may take, how often a temporary failure
    # is retried (exponential backoff from `email_retry_base_seconds`, with jitter),
    # how many requests are in flight at once, and when a claimed email is presumed lost.
    sendgrid_timeout_seconds: float = Field(10.0, gt=0)
    # The Event Webhook's verification key (Mail Settings in SendGrid); unset: no webhook.
    # A signed request older (or further ahead) than the window is refused: a captured
    # request cannot be replayed later.
    sendgrid_webhook_public_key: SecretStr | None = None
    sendgrid_webhook_max_age_seconds: int = Field(600, ge=60)
    email_max_attempts: int = Field(6, ge=1)
    email_retry_base_seconds: float = Field(30.0, ge=0)
    dispatch_concurrency: int = Field(16, ge=1, le=64)
    # A dispatcher renews its claims every third of this while it lives (keep it above
    # twice `sendgrid_timeout_seconds`); a dead one's are taken back when it runs out.
    dispatch_lease_seconds: float = Field(30.0, gt=0)
    # A Hub's private link stays valid this long; a fresh one can be asked for by email.
    hub_link_max_age_days: int = Field(60, ge=1)
    # Web: how often one address may post the public form or try to log in
    # (a `limits` rate string), and how long a staff login lasts.
    join_rate_limit: str = "20/minute"
    # Addresses of reverse proxies whose X-Forwarded-For is believed (comma-separated, as
    # uvicorn's --forwarded-allow-ips); none by default, so the header cannot be forged.
    trusted_proxies: str = ""
    login_rate_limit: str = "10/minute"
    # /metrics (Prometheus) answers only a scraper that sends this as its bearer token;
    # unset, /metrics is not there at all.
    metrics_token: SecretStr | None = None
    staff_session_hours: int = Field(12, ge=1)
    policy: Policy = Policy()
    # The campaign (hubflow/campaign.py). Unset: `<data_dir>/campaign.toml` if there is one,
    # else Mass-Care's. Its addresses, zone and deadlines are the defaults of the settings
    # above; a setting given in the environment still wins.
    campaign_file: Path | None = None
    _key: str = PrivateAttr("")
    _campaign: Campaign | None = PrivateAttr(None)

    def _kept(self, name: str) -> Any:
        """A private attribute, read from where pydantic keeps it: `self._key` goes through
        pydantic's `__getattr__` (~2 µs), and each request reads the key and the campaign
        several times."""
        assert self.__pydantic_private__ is not None
        return self.__pydantic_private__[name]

    def key(self) -> str:
        """The secret key, or MissingSecret saying how to set one (the key file is read
        once: every signed link and form asks for the key)."""
        if kept := self._kept("_key"):
            return str(kept)
        if self.secret_key is not None:
            value = self.secret_key.get_secret_value()
        else:
            value = read_key_file(self.key_file)
        problem = key_problem(value)
        if not problem:
            self._key = value
            return value
        if self.dev_mode:
            return _dev_key()
        raise MissingSecret(
            f"HUBFLOW_SECRET_KEY is {problem}: run `hubflow init` (it writes a new key to "
            f"{self.key_file}) or set HUBFLOW_SECRET_KEY to {MIN_KEY_CHARS} or more random "
            "characters, e.g. the output of `python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'` (for a throwaway development run: "
            "HUBFLOW_DEV_MODE=1)"
        )

    @property
    def campaign(self) -> Campaign:
        campaign = self._kept("_campaign")
        assert isinstance(campaign, Campaign)  # read by the validator below
        return campaign

    @property
    def campaign_path(self) -> Path:
        if self.campaign_file is not None:
            return self.campaign_file
        beside = self.data_dir / "campaign.toml"
        return beside if beside.exists() else DEFAULT_FILE

    @model_validator(mode="after")
    def _read_the_campaign(self) -> Settings:
        """The campaign file, whole (CampaignError names every wrong key), and the settings
        it gives defaults to."""
        campaign = self._campaign = read_campaign(self.campaign_path, record=self.campaign_record)
        if "from_email" not in self.model_fields_set:
            self.from_email = str(campaign.from_email)
        if "go_team_email" not in self.model_fields_set:
            self.go_team_email = str(campaign.reply_to)
        days = {f"{stage}_days": n for stage, n in campaign.deadlines.model_dump().items()}
        given = self.policy.model_dump(include=self.policy.model_fields_set)
        self.policy = Policy.model_validate({**days, "timezone": campaign.timezone, **given})
        return self

    @property
    def instance_name(self) -> str:
        return self.instance or instance_for(self.database_url)

    @property
    def campaign_record(self) -> Path:
        """Where `hubflow init` records a campaign file whose addresses passed the check."""
        return self.data_dir / "campaign.checked"

    @property
    def key_file(self) -> Path:
        return self.data_dir / "secret_key"

    @model_validator(mode="after")
    def _sendgrid_needs_a_key(self) -> Settings:
        if self.email_backend == "sendgrid" and not self.sendgrid_api_key:
            raise ValueError("SENDGRID_API_KEY is required when HUBFLOW_EMAIL_BACKEND=sendgrid")
        return self


# Keys that have stood in hubflow's code, tests, benches or docs: anyone with a copy of the
# repository could sign a staff session or a Hub's link with them.
PUBLISHED_KEYS = frozenset(
    {
        "dev-only-secret-change-me",
        "change-me",
        "changeme",
        "secret",
        "test-secret",
        "bench-only-key-that-protects-nothing",
        "bench-only-key-not-for-anything-else",
        "bench-latency-key-not-for-production",
    }
)
# 32 random bytes, as `secrets.token_urlsafe(32)` writes them (hubflow init writes 48).
MIN_KEY_CHARS = 43
MIN_KEY_DISTINCT = 16  # characters: a long key of few characters is no random key


def key_problem(value: str) -> str:
    """Why `value` cannot be the secret key, in words ("" if it can): unset, published, too
    short, or too plain to be random. Never the key itself."""
    if not value:
        return "not set"
    if value in PUBLISHED_KEYS or value.lower() in PUBLISHED_KEYS:
        return "a published key (it appears in hubflow's repository)"
    if len(value) < MIN_KEY_CHARS:
        return f"too short ({len(value)} characters; a key needs {MIN_KEY_CHARS} or more)"
    if len(set(value)) < MIN_KEY_DISTINCT:
        return "too plain to be random (it repeats a few characters)"
    return ""


class MissingSecret(RuntimeError):
    """No usable secret key: hubflow will not sign anything with a key anyone knows."""


def instance_for(database_url: str) -> str:
    """`hubflow-3f2a9c`-like: the database's name and a digest of its full URL (a SQLite
    file by its absolute path), so that two databases never share an instance."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    where = url.database or "memory"
    if url.get_backend_name() == "sqlite" and where not in ("", ":memory:", "memory"):
        where = str(Path(where).resolve())
        url = url.set(database=where)
    stem = re.sub(r"[^a-z0-9]+", "-", Path(where).stem.lower()).strip("-")[:40] or "hubflow"
    digest = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()
    return f"{stem}-{digest[:6]}"


def read_key_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def write_key_file(path: Path) -> bool:
    """A new random key in `path`, readable by its owner only; False if one is there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(secrets.token_urlsafe(48) + "\n")
    return True


@lru_cache(maxsize=1)
def _dev_key() -> str:
    """Development only: a key for this process, gone when it ends."""
    return secrets.token_urlsafe(48)


def settings_problem() -> str:
    """What keeps the settings or the campaign file from being read, in words ("" if
    nothing): each wrong key with its reason."""
    from pydantic import ValidationError

    from plumbing.campaign import CampaignError

    try:
        get_settings()
    except CampaignError as exc:
        return str(exc)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            key = "HUBFLOW_" + "__".join(str(p) for p in error["loc"]).upper()
            lines.append(f"{key if error['loc'] else 'settings'}: {error['msg']}")
        return "the settings are not right:\n  " + "\n  ".join(lines)
    return ""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once; tests call `get_settings.cache_clear()`. The
    campaign's words become the vocabulary's."""
    settings = Settings()
    use(settings.campaign)
    return settings
