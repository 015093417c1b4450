"""The awards feature's TOML section, `[[awards]]`: the award kinds HR announces and how the
bot picks each one's candidate. That a `metric:<key>` names a metric is checked by AppConfig,
which holds both."""

from __future__ import annotations

from pydantic import Field, field_validator

from bot.core.config_base import Strict, check_key

CRITERIA = ("composite", "kudos")  # and "metric:<key>"


class AwardConfig(Strict):
    key: str = Field(min_length=1, max_length=50)
    name_en: str = Field(min_length=1, max_length=100)
    name_zh: str = Field(min_length=1, max_length=100)
    emoji: str = Field(default=":trophy:", min_length=1, max_length=50)
    # "composite": top composite of the month; "metric:<key>": best actual of that metric
    # (its direction respected); "kudos": most kudos received
    criterion: str = "composite"
    team: str | None = Field(default=None, min_length=1, max_length=100)  # a per-team award
    prize_en: str | None = Field(default=None, max_length=200)  # the material reward
    prize_zh: str | None = Field(default=None, max_length=200)

    _key = field_validator("key")(check_key)

    @field_validator("emoji")
    @classmethod
    def _emoji(cls, value: str) -> str:
        name = value.strip(":")
        if not name or not all(c.isalnum() or c in "_+-" for c in name):
            raise ValueError(f"emoji {value!r} must be an emoji name like :trophy:")
        return f":{name}:"

    @field_validator("criterion")
    @classmethod
    def _criterion(cls, value: str) -> str:
        if value in CRITERIA or (value.startswith("metric:") and len(value) > len("metric:")):
            return value
        raise ValueError(f"criterion {value!r} must be composite, kudos or metric:<key>")

    @property
    def metric_key(self) -> str | None:
        """The metric a `metric:<key>` award is about (None for the others)."""
        return (
            self.criterion.removeprefix("metric:") if self.criterion.startswith("metric:") else None
        )

    @property
    def label_en(self) -> str:  # so i18n.localized() names it like a metric or a value
        return self.name_en

    @property
    def label_zh(self) -> str:
        return self.name_zh
