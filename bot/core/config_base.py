"""What every TOML section model shares: unknown keys are errors, keys are plain ascii."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def check_key(value: str) -> str:
    """A config item's key (a catalog training, a career level): what people type after a
    command, so ascii letters, digits, _ and - only."""
    if not value.isascii() or not value.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"key {value!r} must be ascii letters, digits, _ and -")
    return value


def check_hhmm(value: str) -> str:
    hour, _, minute = value.partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise ValueError(f"time {value!r} must be HH:MM, e.g. 09:00")
    return f"{int(hour):02d}:{int(minute):02d}"
