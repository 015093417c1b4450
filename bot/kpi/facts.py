"""KPI facts in: `salespulse kpi import` reads a file, validates every row
(bot.kpi.validation) and writes the good ones (bot.kpi.writer)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from sqlmodel import Session

from bot.core.config import AppConfig
from bot.core.tabular import read_table, require_columns
from bot.kpi.validation import IngestResult, validate
from bot.kpi.writer import DuplicateFacts, write_facts

_FACT_COLUMNS = ("date", "user", "metric", "value")


def import_file(
    session: Session,
    team_id: str,
    config: AppConfig,
    path: Any,
    today: date,
    *,
    skip_invalid: bool = False,
    allow_duplicates: bool = False,
    read_progress: Callable[[Iterable], Iterable] = lambda rows: rows,
    write_progress: Callable[[int], None] = lambda n: None,
) -> IngestResult:
    """`salespulse kpi import`: validate the whole file; write it only when every row is good,
    or (skip_invalid) write the good rows and report the rest. Rows without a ref are added
    to what is stored, so a file whose ref-less rows equal stored facts (imported before?)
    is refused with `result.duplicates` unless allow_duplicates. Raises FileFormatError when
    the file itself can't be read."""
    header, rows = read_table(path)
    require_columns(header, _FACT_COLUMNS)
    result = validate(session, team_id, config, today, read_progress(rows))
    if result.errors:
        result.errors.sort()
        if not skip_invalid:
            return result
    try:
        result.imported, result.replaced = write_facts(
            session,
            team_id,
            result.rows,
            progress=write_progress,
            allow_duplicates=allow_duplicates,
        )
    except DuplicateFacts as exc:
        result.duplicates = exc.count
    return result
