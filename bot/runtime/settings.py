"""Typed, validated settings: a TOML file overridden by ``CEASEFIRE_<SECTION>__<KEY>`` variables.

Validation happens here so that a bad configuration is one clear line at start-up, not a
traceback from deep inside python-telegram-bot or SQLAlchemy.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

# A BotFather token is "<bot id>:<35 url-safe characters>"; we accept any length >= 30.
_TOKEN_RE = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
_PLACEHOLDERS = {"", "changeme", "your-token-here", "123456:ABC", "TOKEN"}


class ConfigError(Exception):
    """A configuration problem, worded for one line on stderr."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TelegramSettings(_Section):
    token: SecretStr = SecretStr("")  # never printed: repr, logs and errors show ******
    api_base_url: str = "https://api.telegram.org"
    # Pace outgoing messages to Telegram's limits (python-telegram-bot's AIORateLimiter).
    rate_limit: bool = True
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str = ""  # public https URL Telegram posts updates to
    secret_token: str = ""  # checked on every webhook request (header X-Telegram-…-Token)
    listen: str = "127.0.0.1"  # address of the bot's HTTP server (webhook, /healthz)
    port: int = Field(default=8080, ge=0, le=65535)  # 0: any free port

    @model_validator(mode="after")
    def _check_webhook(self) -> TelegramSettings:
        if self.mode == "webhook":
            if not self.webhook_url.startswith("https://"):
                raise ValueError("webhook mode needs webhook_url = https://…")
            if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", self.secret_token):
                raise ValueError("webhook mode needs a secret_token of 16-256 of A-Z a-z 0-9 _ -")
        return self

    @property
    def webhook_path(self) -> str:
        return urlsplit(self.webhook_url).path or "/telegram"

    @field_validator("api_base_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value.rstrip("/")

    @field_validator("token")
    @classmethod
    def _check_token_shape(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value().strip()
        if token and token not in _PLACEHOLDERS and not _TOKEN_RE.match(token):
            raise ValueError("does not look like a BotFather token (<digits>:<secret>)")
        return SecretStr(token)

    @property
    def has_token(self) -> bool:
        return self.token.get_secret_value() not in _PLACEHOLDERS


class MetricsSettings(_Section):
    """Where Prometheus reads ``/metrics``. Metrics tell how busy coordination is (commands,
    reminders, failures), so they are not for whoever reaches the webhook: a listener of
    their own (loopback by default), and on the main server only with a bearer token."""

    listen: str = "127.0.0.1"  # "" = no metrics listener
    port: int = Field(default=9464, ge=0, le=65535)  # 0: any free port
    bearer_token: SecretStr = SecretStr("")  # "" = no /metrics on the main server

    @field_validator("listen")
    @classmethod
    def _check_listen(cls, value: str) -> str:
        if value != value.strip() or any(c.isspace() for c in value):
            raise ValueError(f"not an address: {value!r}")
        return value

    @field_validator("bearer_token")
    @classmethod
    def _check_bearer(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value()
        if token and not re.fullmatch(r"[A-Za-z0-9._~+/=-]{16,256}", token):
            raise ValueError("bearer_token needs 16-256 of A-Z a-z 0-9 . _ ~ + / = -")
        return value

    @property
    def token(self) -> str:
        return self.bearer_token.get_secret_value()


class DatabaseSettings(_Section):
    url: str = "sqlite:///ceasefire.db"

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if not scheme.startswith(("sqlite", "postgresql", "postgres")):
            raise ValueError(f"expected sqlite:///… or postgresql://…, got {value!r}")
        return value


class LocaleSettings(_Section):
    language: Literal["es", "en"] = "es"
    timezone: str = "America/Mexico_City"

    @field_validator("timezone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class AccessSettings(_Section):
    coordinators: list[int] = Field(default_factory=list)


class ActionSettings(_Section):
    due_hour: int = Field(default=18, ge=0, le=23)
    max_days_ahead: int = Field(default=366, ge=1)
    page_size: int = Field(default=15, ge=1, le=15)


class DeadlineSettings(_Section):
    """Hours from creation to due when ``/accion`` names a kind but no due date."""

    notification: int = Field(default=72, ge=1)
    outreach: int = Field(default=48, ge=1)
    hospital: int = Field(default=24, ge=1)
    family_support: int = Field(default=72, ge=1)
    referral: int = Field(default=168, ge=1)
    enforcement: int = Field(default=72, ge=1)
    investigation: int = Field(default=168, ge=1)
    other: int = Field(default=168, ge=1)


class ReviewSettings(_Section):
    lookback_days: int = Field(default=7, ge=1, le=60)
    auto_close_hours: int = Field(default=12, ge=1, le=72)
    draft_timeout_minutes: int = Field(default=10, ge=1, le=120)


class ReminderSettings(_Section):
    """When reminders, escalations and meeting prompts go out (hours unless named)."""

    sweep_seconds: int = Field(default=60, ge=5, le=3600)
    before_due: float = Field(default=24, ge=0)
    overdue_every: float = Field(default=48, gt=0)
    escalate_after: float = Field(default=72, gt=0)
    escalate_blocked_after: float = Field(default=48, gt=0)
    collect_before_meeting: float = Field(default=24, ge=0)
    meeting_before: float = Field(default=1, ge=0)
    # Older than this when the bot comes back: summarised in one message, not sent one by one.
    catchup_horizon: float = Field(default=24, gt=0)
    quiet_start: str = "21:00"
    quiet_end: str = "08:00"
    quiet_weekends: bool = True
    holidays_country: str = "MX"  # "" disables holidays
    # Urgent items (a kind deadline of 24 h or less, or a high-risk incident's item): their
    # notices and escalations go out on weekends and in quiet hours.
    urgent_ignores_quiet: bool = True
    max_attempts: int = Field(default=5, ge=1, le=20)

    @field_validator("quiet_start", "quiet_end")
    @classmethod
    def _check_clock(cls, value: str) -> str:
        hours, _, minutes = value.partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
            raise ValueError(f"expected HH:MM, got {value!r}")
        return value

    @field_validator("holidays_country")
    @classmethod
    def _check_country(cls, value: str) -> str:
        if value:
            import holidays  # here, not at the top: ``ceasefire --help`` stays fast

            if value.upper() not in holidays.list_supported_countries():
                raise ValueError(f"unknown holidays country {value!r}")
        return value.upper()


class ReportSettings(_Section):
    # Local weekday and time of each group's weekly summary.
    weekly: str = "mon 08:00"
    weeks: int = Field(default=26, ge=4, le=1200)  # weeks shown in the shootings chart
    render_in: Literal["process", "thread"] = "process"
    # Renderer processes (``render_in = "process"``): several draw several groups' weekly
    # reports at once when they all fall due at the same hour; each takes ~200 MB.
    renderers: int = Field(default=1, ge=1, le=8)
    # Minutes before the weekly slot (but after the week has ended) from which the weekly
    # reports are drawn, so that the slot is only sending; 0 draws them at the slot.
    draw_ahead_minutes: int = Field(default=15, ge=0, le=600)


class SectorSettings(_Section):
    """Evaluation design: comparison sectors and when each pilot sector started."""

    comparison: list[str] = Field(default_factory=list)
    treatment_start: dict[str, date] = Field(default_factory=dict)


class PrivacySettings(_Section):
    # Free text (item texts, notes, places, group codes) older than this many days is
    # anonymised; 0 keeps it forever. Counts, dates and sectors are kept for the KPIs.
    retention_days: int = Field(default=0, ge=0)


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"
    # What members type (python-telegram-bot's DEBUG lines carry whole updates) is logged
    # only with this set, and only at DEBUG.
    log_texts: bool = False


class Settings(BaseSettings):
    """All configuration. Sections mirror the TOML file and ``config.example.toml``."""

    model_config = SettingsConfigDict(
        env_prefix="CEASEFIRE_", env_nested_delimiter="__", extra="forbid"
    )

    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    locale: LocaleSettings = Field(default_factory=LocaleSettings)
    access: AccessSettings = Field(default_factory=AccessSettings)
    actions: ActionSettings = Field(default_factory=ActionSettings)
    deadlines: DeadlineSettings = Field(default_factory=DeadlineSettings)
    reviews: ReviewSettings = Field(default_factory=ReviewSettings)
    reminders: ReminderSettings = Field(default_factory=ReminderSettings)
    reports: ReportSettings = Field(default_factory=ReportSettings)
    sectors: SectorSettings = Field(default_factory=SectorSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)

    @classmethod
    def settings_customise_sources(  # noqa: PLR0917  (pydantic-settings' signature)
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment wins over the file (passed as init kwargs).
        return (env_settings, init_settings)

    @model_validator(mode="after")
    def _check_ports(self) -> Settings:
        metrics, telegram = self.metrics, self.telegram
        if metrics.listen and metrics.port and metrics.port == telegram.port:
            raise ValueError("metrics.port must differ from telegram.port (two listeners)")
        return self

    def require_token(self) -> None:
        """Raise unless a real token is configured; only ``run`` and ``check-config`` need it."""
        if not self.telegram.has_token:
            raise ConfigError(
                "telegram.token is missing or a placeholder: set it in the config file "
                "or in CEASEFIRE_TELEGRAM__TOKEN"
            )


def _one_line(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {msg}" if where else msg)  # no section: across sections
    return "; ".join(parts)


def load_settings(path: str | Path | None = "config.toml", **overrides: Any) -> Settings:
    """Load the TOML file (missing default file = all defaults), then env, then checks."""
    data: dict[str, Any] = {}
    if path is not None:
        file = Path(path)
        if file.exists():
            try:
                data = tomllib.loads(file.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{file}: not valid TOML ({exc})") from exc
        elif str(path) != "config.toml":
            raise ConfigError(f"config file not found: {file}")
    for section, values in overrides.items():
        data.setdefault(section, {}).update(values)
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ConfigError(f"invalid configuration: {_one_line(exc)}") from exc
