"""The reviews feature's TOML section, `[reviews]`: reminders, closing, competencies and
the cycles that open by themselves."""

from __future__ import annotations

from pydantic import Field, field_validator

from bot.core.config_base import Strict as _Strict
from bot.core.config_base import check_hhmm as _check_hhmm


class CompetencyConfig(_Strict):
    """What reviews rate, 1-5 each."""

    key: str = Field(min_length=1, max_length=50)
    label_en: str = Field(min_length=1, max_length=100)
    label_zh: str = Field(min_length=1, max_length=100)


REVIEW_KINDS = ("monthly", "quarterly", "annual")
REVIEW_STEPS = ("self", "manager", "peer")


def _check_steps(value: list[str]) -> list[str]:
    bad = [step for step in value if step not in REVIEW_STEPS]
    if bad or not value or len(set(value)) != len(value):
        raise ValueError(f"steps must be some of {', '.join(REVIEW_STEPS)}, each once")
    return value


class RecurringReviewConfig(_Strict):
    """A cycle that opens by itself each period, `open_days_before_end` days before it ends."""

    kind: str
    open_days_before_end: int = Field(default=7, ge=0, le=60)
    due_days_after_end: int = Field(default=10, ge=0, le=90)
    steps: list[str] = Field(default_factory=lambda: ["self", "manager"])
    peers: int = Field(default=2, ge=0, le=10)

    _steps = field_validator("steps")(_check_steps)

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in REVIEW_KINDS:
            raise ValueError(f"kind must be one of {', '.join(REVIEW_KINDS)}")
        return value


def _default_competencies() -> list[CompetencyConfig]:
    return [
        CompetencyConfig(key="closing", label_en="Closing deals", label_zh="成交能力"),
        CompetencyConfig(key="customer", label_en="Customer focus", label_zh="客户导向"),
        CompetencyConfig(key="teamwork", label_en="Teamwork", label_zh="团队协作"),
    ]


class ReviewsConfig(_Strict):
    remind_days_before: list[int] = Field(default_factory=lambda: [7, 3, 1, 0])
    remind_at: str = "10:00"  # in each person's own time zone
    overdue_days: int = Field(default=5, ge=0, le=60)
    close_after_days: int = Field(default=7, ge=0, le=90)
    peer_names: bool = False  # the reviewed rep sees their peers' names with their comments
    competencies: list[CompetencyConfig] = Field(
        default_factory=_default_competencies, min_length=1, max_length=20
    )
    recurring: list[RecurringReviewConfig] = Field(default_factory=list)

    _remind_at = field_validator("remind_at")(_check_hhmm)

    @field_validator("remind_days_before")
    @classmethod
    def _offsets(cls, value: list[int]) -> list[int]:
        if any(day < 0 or day > 90 for day in value):
            raise ValueError("remind_days_before must be days between 0 and 90")
        return sorted(set(value), reverse=True)
