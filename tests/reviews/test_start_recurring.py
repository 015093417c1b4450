"""Which recurring cycles are due on a given local day (pure: the config and the date)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from bot.core.config import AppConfig
from bot.reviews.start import recurring_specs

RULES = [
    {"kind": "monthly", "open_days_before_end": 3, "due_days_after_end": 5},
    {"kind": "quarterly", "open_days_before_end": 7, "due_days_after_end": 10},
    {"kind": "annual", "open_days_before_end": 0, "due_days_after_end": 20, "steps": ["self"]},
]


def due_on(day: date) -> list[tuple[str, str, str, date, tuple[str, ...]]]:
    config = AppConfig.model_validate({"reviews": {"recurring": RULES}})
    ws = SimpleNamespace(config=config)
    return [
        (s.name, s.period, s.recurring_key or "", s.due, s.steps)
        for s in recurring_specs(ws, day)  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize(
    ("day", "names"),
    [
        (date(2026, 11, 26), []),
        (date(2026, 11, 27), ["2026-11 monthly review"]),
        (date(2026, 11, 30), ["2026-11 monthly review"]),
        (date(2026, 12, 1), []),
        (date(2026, 12, 24), ["2026-Q4 quarterly review"]),
        (date(2026, 12, 28), ["2026-12 monthly review", "2026-Q4 quarterly review"]),
        (
            date(2026, 12, 31),
            ["2026-12 monthly review", "2026-Q4 quarterly review", "2026 annual review"],
        ),
        (date(2027, 3, 24), ["2027-Q1 quarterly review"]),
    ],
)
def test_a_cycle_is_due_from_its_opening_day_to_its_period_end(day, names):
    assert [name for name, *_ in due_on(day)] == names


def test_keys_and_due_dates():
    assert due_on(date(2026, 12, 31)) == [
        ("2026-12 monthly review", "2026-12", "monthly:2026-12", date(2027, 1, 5), ("self", "manager")),
        ("2026-Q4 quarterly review", "2026-Q4", "quarterly:2026-Q4", date(2027, 1, 10), ("self", "manager")),
        ("2026 annual review", "2026", "annual:2026", date(2027, 1, 20), ("self",)),
    ]  # fmt: skip
