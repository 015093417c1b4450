"""Settings from the environment (and .env) plus the TOML config file.

Every problem is raised as ConfigError with one line naming the setting, so the CLI can
print it and exit instead of showing a traceback.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.awards_config import AwardConfig
from bot.core.config_base import Strict as _Strict
from bot.core.config_base import check_hhmm as _check_hhmm
from bot.core.growth_config import CareerConfig, GrowthConfig, TrainingConfig
from bot.core.reviews_config import ReviewsConfig

DEFAULT_CONFIG_PATH = Path("salespulse.toml")
LOCALES = ("en-US", "zh-CN")


class ConfigError(Exception):
    """A missing or malformed setting; the message is one line naming it."""


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {value!r} (use an IANA name such as Asia/Shanghai)"
        ) from exc
    return value


def normalize_locale(value: str | None) -> str | None:
    """Slack locales like zh-CN, zh-TW, en-GB map to the two catalogs; None stays None."""
    if not value:
        return None
    return "zh-CN" if value.lower().replace("_", "-").startswith("zh") else "en-US"


def _message(err: dict) -> str:
    return str(err["msg"]).removeprefix("Value error, ")


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class WorkspaceConfig(_Strict):
    timezone: str = "Asia/Shanghai"
    default_locale: str = "zh-CN"
    # Scheduled DMs to a person go out on their working days, outside their quiet hours
    # ([start, end] in their own time zone; a person may set theirs with /pulse quiet).
    weekend: list[str] = Field(default_factory=lambda: ["sat", "sun"])
    quiet_hours: list[str] | None = Field(default_factory=lambda: ["20:00", "08:00"])

    _tz = field_validator("timezone")(_check_timezone)

    @field_validator("weekend")
    @classmethod
    def _weekend(cls, value: list[str]) -> list[str]:
        days = [day.lower()[:3] for day in value]
        bad = [day for day in days if day not in WEEKDAYS]
        if bad:
            raise ValueError(f"weekend days must be among {', '.join(WEEKDAYS)}")
        if len(set(days)) == len(WEEKDAYS):
            raise ValueError("weekend cannot be every day of the week")
        return days

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        if len(value) != 2:
            raise ValueError('quiet_hours must be ["HH:MM", "HH:MM"] (start, end)')
        return [_check_hhmm(v) for v in value]

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if normalize_locale(value) is None or value.split("-")[0].lower() not in ("zh", "en"):
            raise ValueError(f"unsupported locale {value!r} (use zh-CN or en-US)")
        return normalize_locale(value)  # type: ignore[return-value]


BILINGUAL = "bilingual"  # a shared post in both languages, one card


def _audience_locale(value: str | None) -> str | None:
    """A channel's or team's language: zh-CN, en-US or "bilingual"; None: the workspace's."""
    if value is None or value == BILINGUAL:
        return value
    if value.split("-")[0].lower() not in ("zh", "en"):
        raise ValueError(f"unsupported locale {value!r} (use zh-CN, en-US or bilingual)")
    return normalize_locale(value)


class ChannelsConfig(_Strict):
    recognition: str | None = None
    announcements: str | None = None
    recognition_locale: str | None = None
    announcements_locale: str | None = None
    hr: str | None = None  # HR's channel: approved training requests go there, else to HR by DM
    suggestions: str | None = None  # public suggestions are posted here, with a +1 button

    _locales = field_validator("recognition_locale", "announcements_locale")(_audience_locale)


class TeamConfig(_Strict):
    """A sales team (the org import's `team` column is its key)."""

    channel: str | None = None
    locale: str | None = None  # of the team channel's posts; None: the workspace's
    name_en: str | None = Field(default=None, min_length=1, max_length=100)
    name_zh: str | None = Field(default=None, min_length=1, max_length=100)

    _locale = field_validator("locale")(_audience_locale)


class ValueConfig(_Strict):
    """A company value people tag kudos with (#key, #label_en or #label_zh)."""

    key: str = Field(min_length=1, max_length=50)
    label_en: str = Field(min_length=1, max_length=100)
    label_zh: str = Field(min_length=1, max_length=100)


class KudosConfig(_Strict):
    max_recipients: int = Field(default=10, ge=1, le=50)
    daily_limit: int = Field(default=10, ge=1)  # kudos a giver may send per local day
    emoji: str = Field(default="clap", min_length=1)  # reaction name without colons
    withdraw_minutes: int = Field(default=5, ge=0)  # removing the reaction within this withdraws

    @field_validator("emoji")
    @classmethod
    def _emoji(cls, value: str) -> str:
        return value.strip(":")


class FeedbackConfig(_Strict):
    max_peers: int = Field(default=10, ge=1, le=50)  # people asked in one /feedback request
    reminder_days: int = Field(default=3, ge=1)
    expiry_days: int = Field(default=14, ge=1)


AGGREGATES = ("sum", "avg", "max", "last")
MAX_DECIMALS = 4  # micro-units hold 6; more than 4 reads as noise
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class MetricConfig(_Strict):
    """One KPI: how its daily facts add up over a period and its share of the composite."""

    key: str
    label_en: str
    label_zh: str
    unit: str = "count"  # a currency code (CNY, USD), "%", "count" or "score"
    aggregate: str = "sum"
    higher_is_better: bool = True
    weight: float = 1.0
    # Decimal places of every figure of this metric (value, target, change, pace); None in
    # the file: money and counts 0, percentages, averages and scores 1. Attainment is
    # computed from the figures rounded to these places (bot.kpi.attainment).
    decimals: int | None = None

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not value.isascii() or not value.replace("_", "").isalnum() or len(value) > 64:
            raise ValueError(f"metric key {value!r} must be ascii letters, digits and _")
        return value

    @field_validator("aggregate")
    @classmethod
    def _aggregate(cls, value: str) -> str:
        if value not in AGGREGATES:
            raise ValueError(f"aggregate {value!r} must be one of {', '.join(AGGREGATES)}")
        return value

    @field_validator("unit")
    @classmethod
    def _unit(cls, value: str) -> str:
        if value not in ("%", "count", "score") and not (len(value) == 3 and value.isupper()):
            raise ValueError(f"unit {value!r} must be a currency code like CNY, %, count or score")
        return value

    @field_validator("weight")
    @classmethod
    def _weight(cls, value: float) -> float:
        if value < 0:
            raise ValueError("weight must be zero or more")
        return value

    @field_validator("decimals")
    @classmethod
    def _decimals(cls, value: int | None) -> int | None:
        if value is not None and not 0 <= value <= MAX_DECIMALS:
            raise ValueError(f"decimals must be 0 to {MAX_DECIMALS}")
        return value

    @model_validator(mode="after")
    def _default_decimals(self) -> MetricConfig:
        if self.decimals is None:
            rate = self.aggregate == "avg" or self.unit in ("%", "score")
            self.decimals = 1 if rate else 0
        return self


def _default_metrics() -> list[MetricConfig]:
    return [
        MetricConfig(key="revenue", label_en="Revenue", label_zh="销售额", unit="CNY", weight=0.5),
        MetricConfig(
            key="csat",
            label_en="Customer satisfaction",
            label_zh="客户满意度",
            unit="score",
            aggregate="avg",
            weight=0.2,
        ),
        MetricConfig(
            key="new_customers", label_en="New customers", label_zh="新客户数", weight=0.2
        ),
        MetricConfig(
            key="conversion_rate",
            label_en="Conversion rate",
            label_zh="转化率",
            unit="%",
            aggregate="avg",
            weight=0.1,
        ),
    ]


class DigestConfig(_Strict):
    """The weekly KPI digest: when it runs, in workspace time."""

    weekday: str = "mon"
    time: str = "09:00"

    @field_validator("weekday")
    @classmethod
    def _weekday(cls, value: str) -> str:
        value = value.lower()[:3]
        if value not in WEEKDAYS:
            raise ValueError(f"weekday must be one of {', '.join(WEEKDAYS)}")
        return value

    _time = field_validator("time")(_check_hhmm)


class AppConfig(_Strict):
    """The TOML file. Feature sections are added here as features arrive."""

    workspace: WorkspaceConfig = Field(default_factory=WorkspaceConfig)
    channels: ChannelsConfig = Field(default_factory=ChannelsConfig)
    teams: dict[str, TeamConfig] = Field(default_factory=dict)
    values: list[ValueConfig] = Field(default_factory=list)
    kudos: KudosConfig = Field(default_factory=KudosConfig)
    feedback: FeedbackConfig = Field(default_factory=FeedbackConfig)
    metrics: list[MetricConfig] = Field(default_factory=_default_metrics)
    digest: DigestConfig = Field(default_factory=DigestConfig)
    reviews: ReviewsConfig = Field(default_factory=ReviewsConfig)
    training: list[TrainingConfig] = Field(default_factory=list)
    career: CareerConfig = Field(default_factory=CareerConfig)
    growth: GrowthConfig = Field(default_factory=GrowthConfig)
    awards: list[AwardConfig] = Field(default_factory=list)

    @field_validator("metrics")
    @classmethod
    def _unique_metrics(cls, value: list[MetricConfig]) -> list[MetricConfig]:
        keys = [m.key for m in value]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"metric key(s) defined twice: {', '.join(dupes)}")
        return value

    @field_validator("training")
    @classmethod
    def _training_catalog(
        cls, value: list[TrainingConfig], info: ValidationInfo
    ) -> list[TrainingConfig]:
        keys = [item.key.lower() for item in value]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"training key(s) defined twice: {', '.join(dupes)}")
        # metrics is declared first, so it is validated (or missing, if it was invalid) here
        metrics = {m.key for m in info.data.get("metrics", [])}
        for item in value:
            unknown = [key for key in item.metrics if key not in metrics]
            if unknown:
                raise ValueError(f"training {item.key!r}: {unknown[0]!r} is not a metric")
        return value

    @field_validator("awards")
    @classmethod
    def _award_kinds(cls, value: list[AwardConfig], info: ValidationInfo) -> list[AwardConfig]:
        keys = [award.key.lower() for award in value]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"award key(s) defined twice: {', '.join(dupes)}")
        metrics = {m.key for m in info.data.get("metrics", [])}
        for award in value:
            if award.metric_key is not None and award.metric_key not in metrics:
                raise ValueError(f"award {award.key!r}: {award.metric_key!r} is not a metric")
        return value

    def metric(self, key: str) -> MetricConfig | None:
        return next((m for m in self.metrics if m.key == key), None)

    def award(self, key: str | None) -> AwardConfig | None:
        """The award kind with this key, or English or Chinese name (any case), or None."""
        folded = (key or "").strip().lower()
        return next(
            (a for a in self.awards if folded in (a.key.lower(), a.name_en.lower(), a.name_zh)),
            None,
        )

    def course(self, key: str | None) -> TrainingConfig | None:
        """The catalog training with this key (any case), or None."""
        folded = (key or "").strip().lower()
        return next((c for c in self.training if c.key.lower() == folded), None)

    @classmethod
    def load(cls, path: Path | None) -> AppConfig:
        if path is None:
            return cls()
        try:
            return cls.parse(path.read_text(encoding="utf-8"), str(path))
        except FileNotFoundError:
            raise ConfigError(f"SALESPULSE_CONFIG: file not found: {path}") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None

    @classmethod
    def parse(cls, text: str, source: str) -> AppConfig:
        """A config from TOML text (a file's, or a workspace's stored one); problems name `source`."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{source}: not valid TOML: {exc}") from None
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise ConfigError(f"{source}: [{where}] {_message(err)}") from None


class Settings(BaseSettings):
    """Environment variables; names are the operator contract (see README)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = "sqlite:///salespulse.db"
    salespulse_config: Path | None = None
    salespulse_api_token: str | None = None  # Bearer token for POST /api/v1/kpi
    # A distributable app (OAuth at /slack/install) when set and SLACK_BOT_TOKEN is not
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    # outbox pacing per workspace, shared by every process (bot/core/pacing.py)
    salespulse_workspace_rate: int = Field(default=300, gt=0)  # messages per minute

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, value: str) -> str:
        if value.startswith("postgres://"):  # Heroku-style URLs: use the psycopg 3 driver
            return "postgresql+psycopg://" + value.removeprefix("postgres://")
        if value.startswith("postgresql://"):
            return "postgresql+psycopg://" + value.removeprefix("postgresql://")
        if not value.startswith(("sqlite://", "postgresql+psycopg://")):
            raise ValueError("must start with sqlite:/// or postgresql+psycopg://")
        return value

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        try:
            return cls(**overrides)  # type: ignore[arg-type]
        except ValidationError as exc:
            err = exc.errors()[0]
            name = str(err["loc"][0]).upper() if err["loc"] else "settings"
            raise ConfigError(f"{name}: {_message(err)}") from None

    @property
    def distributed(self) -> bool:
        """Installed in many workspaces through OAuth: client id and secret, no single token."""
        return bool(self.slack_client_id and self.slack_client_secret and not self.slack_bot_token)

    def require(self, *names: str) -> None:
        """Fail with one line for the first missing credential a mode needs."""
        for name in names:
            if not getattr(self, name.lower()):
                raise ConfigError(f"{name} is not set (see README: Configuration)")
        if self.slack_bot_token and not self.slack_bot_token.startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN: must be a bot token starting with xoxb-")
        if "SLACK_APP_TOKEN" in names and not str(self.slack_app_token).startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN: must be an app-level token starting with xapp-")

    def config_path(self) -> Path | None:
        if self.salespulse_config is not None:
            return self.salespulse_config
        return DEFAULT_CONFIG_PATH if DEFAULT_CONFIG_PATH.exists() else None

    def load_config(self) -> AppConfig:
        return AppConfig.load(self.config_path())
