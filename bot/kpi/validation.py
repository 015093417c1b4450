"""KPI facts in, step one: the one validator shared by the file import, the HTTP API and
anything else that records facts, so every path accepts and rejects exactly the same rows."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session

from bot.core.config import AppConfig
from bot.core.periods import check_year, keys_of
from bot.core.tabular import ImportResult, shown
from bot.org.directory import people_index

MAX_ABS_VALUE = Decimal(10) ** 12  # a trillion of any unit: anything bigger is a typo
MAX_DECIMALS = 6  # values are stored in millionths
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


@dataclass(slots=True)
class FactRow:
    line: int
    user_id: int
    metric: str
    day: date
    value: int  # micro-units
    ref: str | None
    keys: tuple[str, str, str, str]


@dataclass
class IngestResult(ImportResult):
    rows: list[FactRow] = field(default_factory=list)
    imported: int = 0
    replaced: int = 0
    duplicates: int = 0  # rows without a ref equal to stored facts (the import was refused)


def parse_value(text: str) -> int:
    """'1,234.50' -> 1234500000 micro-units; ValueError with the reason otherwise."""
    raw = text.strip()
    if _THOUSANDS.match(raw):
        raw = raw.replace(",", "")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"value {shown(text)} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"value {shown(text)} is not a number")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMALS:
        raise ValueError(f"value {shown(text)} has more than {MAX_DECIMALS} decimal places")
    # copy_abs, not abs(): exact, where abs() rounds to the context and overflows on 1e999999999
    if number.copy_abs() >= MAX_ABS_VALUE:
        raise ValueError(f"value {shown(text)} is too large")
    return int(number.scaleb(MAX_DECIMALS))


def parse_day(text: str) -> date:
    """A fact's day; ValueError with the reason (OutOfRange for a year periods can't hold)."""
    raw = text.strip().replace("/", "-")
    if raw[:10] != raw:  # Excel datetimes arrive as 2026-11-05T00:00:00
        if raw[10:] not in ("T00:00:00", " 00:00:00"):
            raise ValueError(f"date {shown(text)} is not a date like 2026-11-05")
        raw = raw[:10]
    parts = raw.split("-")
    try:
        if len(parts) != 3 or len(parts[0]) != 4:
            raise ValueError
        day = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValueError(f"date {shown(text)} is not a date like 2026-11-05") from None
    check_year(day.year, f"date {shown(text)}")
    return day


class FactValidator:
    """Checks rows against the config and the directory; remembers refs seen in this batch."""

    def __init__(self, session: Session, team_id: str, config: AppConfig, today: date) -> None:
        self.metrics = {m.key for m in config.metrics}
        self.today = today
        self.people = people_index(session, team_id)
        self._days: dict[str, tuple[date, tuple[str, str, str, str]] | str] = {}
        self._refs: dict[str, int] = {}

    def _day(self, text: str) -> tuple[date, tuple[str, str, str, str]] | str:
        found = self._days.get(text)
        if found is None:
            try:
                day = parse_day(text)
            except ValueError as exc:
                found = str(exc)
            else:
                if day > self.today:
                    found = f"date {shown(text)} is in the future"
                else:
                    found = (day, keys_of(day))
            self._days[text] = found
        return found

    def check(
        self, line: int, raw: dict[str, Any], errors: list[tuple[int, str]]
    ) -> FactRow | None:
        problems: list[str] = []
        day_text = str(raw.get("date") or "").strip()
        day = self._day(day_text) if day_text else "date is empty"
        if isinstance(day, str):
            problems.append(day)
        who = str(raw.get("user") or "").strip()
        user_id = self.people.find(who)
        if user_id is None:
            problems.append(
                f"user {shown(who)} is not a slack_id or email in the org directory"
                if who
                else "user is empty"
            )
        metric = str(raw.get("metric") or "").strip()
        if metric not in self.metrics:
            known = ", ".join(sorted(self.metrics))
            problems.append(f"metric {shown(metric)} is not configured (metrics: {known})")
        value_raw = raw.get("value")
        value = 0
        if value_raw is None or str(value_raw).strip() == "":
            problems.append("value is empty")
        else:
            try:
                value = parse_value(str(value_raw))
            except ValueError as exc:
                problems.append(str(exc))
        ref = str(raw.get("ref") or "").strip() or None
        if ref is not None:
            if len(ref) > 255:
                problems.append("ref is longer than 255 characters")
            elif ref in self._refs:
                problems.append(f"duplicate ref {shown(ref)} (also on line {self._refs[ref]})")
            else:
                self._refs[ref] = line
        if problems:
            errors.extend((line, p) for p in problems)
            return None
        assert user_id is not None and not isinstance(day, str)
        return FactRow(line, user_id, metric, day[0], value, ref, day[1])


def validate(
    session: Session,
    team_id: str,
    config: AppConfig,
    today: date,
    rows: Iterable[tuple[int, dict[str, Any]]],
) -> IngestResult:
    """Every row checked; `result.rows` holds the good ones and `result.errors` the rest."""
    checker = FactValidator(session, team_id, config, today)
    result = IngestResult()
    append = result.rows.append
    for line, raw in rows:
        row = checker.check(line, raw, result.errors)
        if row is not None:
            append(row)
    return result
