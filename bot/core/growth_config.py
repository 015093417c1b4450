"""The growth feature's TOML sections: the training catalog (`[[training]]`), the career
ladder and its coaches (`[career]`, `[[career.levels]]`) and `[growth]`. Checks that need
the metrics (a training's `metrics`) are made by AppConfig, which holds both."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from bot.core.config_base import Strict, check_key

TRAINING_KINDS = ("skill", "soft")  # 岗位技能 / 综合素质


class TrainingConfig(Strict):
    """A course people may request; `metrics`: the KPIs it helps (its suggestions)."""

    key: str = Field(min_length=1, max_length=50)
    title_en: str = Field(min_length=1, max_length=150)
    title_zh: str = Field(min_length=1, max_length=150)
    kind: str = "skill"
    metrics: list[str] = Field(default_factory=list)
    url: str | None = None

    _key = field_validator("key")(check_key)

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in TRAINING_KINDS:
            raise ValueError(f"kind {value!r} must be one of {', '.join(TRAINING_KINDS)}")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError(f"url {value!r} must start with https://")
        return value

    @property
    def label_en(self) -> str:  # so i18n.localized() names it like a metric or a value
        return self.title_en

    @property
    def label_zh(self) -> str:
        return self.title_zh


class CareerLevelConfig(Strict):
    """A step of the ladder and what it takes to reach the `next` one. A criterion left out
    is not asked for."""

    key: str = Field(min_length=1, max_length=50)
    title_en: str = Field(min_length=1, max_length=150)
    title_zh: str = Field(min_length=1, max_length=150)
    next: str | None = None
    min_composite: float | None = Field(default=None, ge=0, le=1.5)  # 0.9 means 90%
    months: int = Field(default=3, ge=1, le=24)  # complete months min_composite averages
    min_review_rating: float | None = Field(default=None, ge=1, le=5)
    min_tenure_months: int | None = Field(default=None, ge=0, le=600)

    _key = field_validator("key")(check_key)

    @property
    def label_en(self) -> str:
        return self.title_en

    @property
    def label_zh(self) -> str:
        return self.title_zh


class CareerConfig(Strict):
    coaches: list[str] = Field(default_factory=list)  # Slack user ids; none: HR coaches
    levels: list[CareerLevelConfig] = Field(default_factory=list)

    @field_validator("coaches")
    @classmethod
    def _coaches(cls, value: list[str]) -> list[str]:
        bad = [c for c in value if not (c[:1] in ("U", "W") and c.isalnum() and c.isupper())]
        if bad:
            raise ValueError(f"coaches must be Slack user ids like U012ABC, not {bad[0]!r}")
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _ladder(self) -> CareerConfig:
        keys = [level.key for level in self.levels]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"career level(s) defined twice: {', '.join(dupes)}")
        for level in self.levels:
            if level.next is not None and level.next not in keys:
                raise ValueError(f"level {level.key!r}: next {level.next!r} is not a level")
            if level.next == level.key:
                raise ValueError(f"level {level.key!r}: next must be another level")
        return self

    def level(self, key: str | None) -> CareerLevelConfig | None:
        if not key:
            return None
        folded = key.strip().lower()
        return next((lv for lv in self.levels if lv.key.lower() == folded), None)


class GrowthConfig(Strict):
    # a metric under this share of its target (worse than it, when lower is better) suggests
    # its trainings and a development goal
    suggest_below: float = Field(default=0.8, gt=0, le=1.5)
