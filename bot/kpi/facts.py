"""KPI facts in: one validator and one writer shared by the file import, the HTTP API and
anything else that records facts, so every path accepts and rejects exactly the same rows.

Writes keep `kpi_rollups` in step in the same transaction: the rollups of every period a
written (or replaced) fact falls in are rebuilt from the facts themselves."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

from bot.core.config import AppConfig
from bot.core.periods import KINDS, check_year, keys_of
from bot.core.tabular import shown
from storage.models.core import User
from storage.models.kpi import SCALE, KpiFact

MAX_ABS_VALUE = Decimal(10) ** 12  # a trillion of any unit: anything bigger is a typo
MAX_DECIMALS = 6  # values are stored in millionths
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_FACT_COLUMNS = ("date", "user", "metric", "value")
CHUNK = 50_000
_ANALYZE_AFTER = 10_000
_FULL_PERIOD_REBUILD = 500  # more people than this: rebuild whole periods, not per person


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
class IngestResult:
    rows: list[FactRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    imported: int = 0
    replaced: int = 0
    duplicates: int = 0  # rows without a ref equal to stored facts (the import was refused)

    @property
    def ok(self) -> bool:
        return not self.errors


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


def to_decimal(micro: int | Decimal | float | None) -> Decimal | None:
    """Micro-units back to the exact Decimal, without trailing zeros (1234567, 12.5)."""
    if micro is None:
        return None
    value = Decimal(micro) / SCALE if isinstance(micro, float) else Decimal(micro).scaleb(-6)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


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
        self.by_slack: dict[str, int] = {}
        self.by_email: dict[str, int] = {}
        users = session.exec(
            select(User.id, User.slack_id, User.email).where(  # type: ignore[call-overload]
                User.team_id == team_id,
                User.is_bot == False,  # noqa: E712
            )
        )
        for user_id, slack_id, email in users:
            self.by_slack[slack_id.upper()] = user_id
            if email:
                self.by_email[email.lower()] = user_id
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
        user_id = self.by_email.get(who.lower()) if "@" in who else self.by_slack.get(who.upper())
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


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def lock_fact_writes(conn: Connection, team_id: str, *, shared: bool = False) -> None:
    """Fact writes of a workspace run one at a time, until the transaction ends. Taken before
    anything is read, so a writer reads the old fact of a ref, rebuilds rollups and re-ranks
    from what the previous writer committed (two at once replaced each other's rows, rebuilt
    rollups from facts they couldn't see yet and, on PostgreSQL, collided on the ref).
    `shared`: storing a ranking waits for a writer in progress, not for other readers."""
    if conn.dialect.name == "postgresql":
        # an advisory lock: READ COMMITTED statements after it see the last writer's commit
        lock = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        key = int.from_bytes(hashlib.sha256(f"kpi_facts:{team_id}".encode()).digest()[:8])
        conn.execute(text(f"SELECT {lock}(:key)"), {"key": key - 2**63})
    elif not shared:
        # SQLite has one writer at a time: an empty write takes that lock now
        conn.exec_driver_sql("DELETE FROM kpi_facts WHERE 0")


class DuplicateFacts(Exception):
    """Rows without a ref equal facts already stored (imported before?); nothing written."""

    def __init__(self, count: int) -> None:
        super().__init__(f"{count} row(s) without a ref equal facts already stored")
        self.count = count


def write_facts(
    session: Session,
    team_id: str,
    rows: list[FactRow],
    *,
    progress: Callable[[int], None] = lambda n: None,
    config: AppConfig | None = None,
    allow_duplicates: bool = True,
) -> tuple[int, int]:
    """Insert the facts (replacing earlier facts with the same ref), rebuild the affected
    rollups and bring stored rankings up to date (re-scored in place for a few people when
    `config` is given, else forgotten), all in the caller's transaction, one writer of the
    workspace at a time. Rows without a ref are added; unless allow_duplicates, DuplicateFacts
    is raised before anything is written when some equal stored facts.
    Returns (imported, replaced)."""
    conn = session.connection()
    touched_users: set[int] = {r.user_id for r in rows}
    touched: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for keys in {r.keys for r in rows}:
        for kind, key in zip(KINDS, keys, strict=True):
            touched[kind].add(key)

    big_sqlite = conn.dialect.name == "sqlite" and len(rows) >= _ANALYZE_AFTER
    if big_sqlite:
        # A bigger page cache and in-memory sorts for this connection while it writes a
        # large batch: index inserts and the rollup GROUP BYs run about a quarter faster.
        # Before the lock: temp_store can't change inside a transaction.
        conn.exec_driver_sql("PRAGMA cache_size=-262144")
        conn.exec_driver_sql("PRAGMA temp_store=MEMORY")
    try:
        lock_fact_writes(conn, team_id)
        if not allow_duplicates and (duplicates := count_duplicates(conn, team_id, rows)):
            raise DuplicateFacts(duplicates)
        replaced = _delete_replaced(conn, team_id, rows, touched, touched_users)
        _insert(conn, team_id, rows, progress)
        refresh_rollups(conn, team_id, touched, touched_users)
    finally:
        if big_sqlite:
            conn.exec_driver_sql("PRAGMA cache_size=-2000")
            conn.exec_driver_sql("PRAGMA temp_store=DEFAULT")
    periods = [key for keys in touched.values() for key in keys]
    if config is not None and len(touched_users) <= _FULL_PERIOD_REBUILD:
        from bot.kpi.scorecard import rescore  # the scorecard builds on this module

        rescore(session, config, team_id, periods, touched_users)
    else:
        invalidate_scores(conn, team_id, periods)
    if len(rows) >= _ANALYZE_AFTER and conn.dialect.name == "postgresql":
        # Fresh statistics now rather than whenever autovacuum gets to it: the scorecard's
        # plans depend on them.
        conn.execute(text("ANALYZE kpi_facts"))
        conn.execute(text("ANALYZE kpi_rollups"))
    return len(rows) - replaced, replaced


def _delete_replaced(
    conn: Connection,
    team_id: str,
    rows: list[FactRow],
    touched: dict[str, set[str]],
    touched_users: set[int],
) -> int:
    """Delete the stored facts the rows' refs replace (by ref, under the write lock) and add
    the periods and people they counted in to `touched`; returns how many."""
    facts = KpiFact.__table__  # type: ignore[attr-defined]
    refs = [r.ref for r in rows if r.ref is not None]
    has_refs = (
        refs
        and conn.execute(
            select(facts.c.id).where(facts.c.team_id == team_id, facts.c.ref.is_not(None)).limit(1)
        ).first()
    )
    if not has_refs:
        return 0
    replaced = 0
    for chunk in _chunks(refs, 500):
        old = conn.execute(
            delete(facts)
            .where(facts.c.team_id == team_id, facts.c.ref.in_(chunk))
            .returning(facts.c.user_id, facts.c.week, facts.c.month, facts.c.quarter, facts.c.year)
        ).all()
        for user_id, *keys in old:
            touched_users.add(user_id)
            for kind, key in zip(KINDS, keys, strict=True):
                touched[kind].add(key)
        replaced += len(old)
    return replaced


_COLUMNS = "team_id, user_id, metric, day, day_ord, value, ref, week, month, quarter, year"


def _insert(
    conn: Connection, team_id: str, rows: list[FactRow], progress: Callable[[int], None]
) -> None:
    """executemany in chunks. On SQLite straight to the driver with tuples (SQLAlchemy's
    per-row parameter processing was a third of a million-row import); elsewhere SQLAlchemy
    core, whose insertmanyvalues batches rows into multi-row INSERTs."""
    if conn.dialect.name == "sqlite":
        sql = f"INSERT INTO kpi_facts ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        for chunk in _chunks(rows, CHUNK):
            conn.exec_driver_sql(
                sql,
                [
                    (
                        team_id,
                        r.user_id,
                        r.metric,
                        r.day.isoformat(),  # SQLAlchemy's SQLite Date format
                        r.day.toordinal(),
                        r.value,
                        r.ref,
                        *r.keys,
                    )
                    for r in chunk
                ],
            )
            progress(len(chunk))
        return
    stmt = insert(KpiFact.__table__)  # type: ignore[attr-defined]
    for chunk in _chunks(rows, CHUNK):
        conn.execute(
            stmt,
            [
                {
                    "team_id": team_id,
                    "user_id": r.user_id,
                    "metric": r.metric,
                    "day": r.day,
                    "day_ord": r.day.toordinal(),
                    "value": r.value,
                    "ref": r.ref,
                    "week": r.keys[0],
                    "month": r.keys[1],
                    "quarter": r.keys[2],
                    "year": r.keys[3],
                }
                for r in chunk
            ],
        )
        progress(len(chunk))


# Rollups of weeks and months come from the facts; quarters and years from the month rollups
# (a month lies in one quarter and one year), so only two passes read every fact. `last` is
# the value of the fact with the greatest (day, id), found through last_key.
_ID_SPAN = 10_000_000_000
_FROM_FACTS = f"""
INSERT INTO kpi_rollups
  (team_id, period, metric, user_id, total, n, peak, last_day, last_key, last_value)
SELECT :team, g.period, g.metric, g.user_id, g.total, g.n, g.peak, g.last_day, g.last_key,
       f.value
FROM (
    SELECT {{col}} AS period, metric, user_id, SUM(value) AS total, COUNT(*) AS n,
           MAX(value) AS peak, MAX(day) AS last_day,
           MAX(day_ord * {_ID_SPAN} + id) AS last_key
    FROM kpi_facts
    WHERE team_id = :team AND {{col}} IN :keys {{users}}
    GROUP BY {{col}}, metric, user_id
) g
JOIN kpi_facts f ON f.id = g.last_key % {_ID_SPAN}
"""
_FROM_MONTHS = f"""
INSERT INTO kpi_rollups
  (team_id, period, metric, user_id, total, n, peak, last_day, last_key, last_value)
SELECT :team, g.period, g.metric, g.user_id, g.total, g.n, g.peak, g.last_day, g.last_key,
       f.value
FROM (
    SELECT {{expr}} AS period, metric, user_id, SUM(total) AS total, SUM(n) AS n,
           MAX(peak) AS peak, MAX(last_day) AS last_day, MAX(last_key) AS last_key
    FROM kpi_rollups
    WHERE team_id = :team AND period IN :months {{users}}
    GROUP BY {{expr}}, metric, user_id
) g
JOIN kpi_facts f ON f.id = g.last_key % {_ID_SPAN}
"""
# month key 2026-11 -> quarter 2026-Q4 / year 2026, in SQL both databases speak
_QUARTER_OF = (
    "SUBSTR(period, 1, 4) || '-Q' || "
    "CAST((CAST(SUBSTR(period, 6, 2) AS INTEGER) + 2) / 3 AS VARCHAR(1))"
)
_YEAR_OF = "SUBSTR(period, 1, 4)"


def _months_of(kind: str, key: str) -> list[str]:
    if kind == "year":
        return [f"{key}-{m:02d}" for m in range(1, 13)]
    year, quarter = key.split("-Q")
    first = 3 * int(quarter) - 2
    return [f"{year}-{m:02d}" for m in range(first, first + 3)]


def refresh_rollups(
    conn: Connection, team_id: str, touched: dict[str, set[str]], users: set[int] | None
) -> None:
    """Rebuild the rollups of these periods (for these people, or everyone when there are
    many or `users` is None) from the facts. Months before quarters and years, which are
    built from them."""
    per_user = users is not None and len(users) <= _FULL_PERIOD_REBUILD
    user_filter = "AND user_id IN :users" if per_user else ""
    for kind in KINDS:
        keys = sorted(touched.get(kind, ()))
        if not keys:
            continue
        params: dict[str, Any] = {"team": team_id, "keys": keys}
        binds = [bindparam("keys", expanding=True)]
        if per_user:
            params["users"] = sorted(users or ())
            binds.append(bindparam("users", expanding=True))
        conn.execute(
            text(
                "DELETE FROM kpi_rollups WHERE team_id = :team AND period IN :keys " + user_filter
            ).bindparams(*binds),
            params,
        )
        if kind in ("week", "month"):
            sql = _FROM_FACTS.format(col=kind, users=user_filter)
        else:
            params["months"] = sorted({m for key in keys for m in _months_of(kind, key)})
            binds = [bindparam("months", expanding=True), *binds[1:]]
            expr = _QUARTER_OF if kind == "quarter" else _YEAR_OF
            sql = _FROM_MONTHS.format(expr=expr, users=user_filter)
        conn.execute(text(sql).bindparams(*binds), params)


def invalidate_scores(conn: Connection, team_id: str, periods: Iterable[str] | None) -> None:
    """Forget stored rankings of these periods (None: all), in the caller's transaction."""
    keys = None if periods is None else sorted(set(periods))
    for table in ("kpi_scores", "kpi_score_sets"):
        if keys is None:
            conn.execute(text(f"DELETE FROM {table} WHERE team_id = :team"), {"team": team_id})
            continue
        for chunk in _chunks(keys, 500):
            conn.execute(
                text(f"DELETE FROM {table} WHERE team_id = :team AND period IN :keys").bindparams(
                    bindparam("keys", expanding=True)
                ),
                {"team": team_id, "keys": chunk},
            )


def rebuild_all_rollups(conn: Connection, team_id: str) -> None:
    """Every rollup of a workspace from scratch (repairs; and the check in the tests)."""
    conn.execute(text("DELETE FROM kpi_rollups WHERE team_id = :team"), {"team": team_id})
    touched: dict[str, set[str]] = {}
    for kind in KINDS:
        found = conn.execute(
            text(f"SELECT DISTINCT {kind} FROM kpi_facts WHERE team_id = :team"),
            {"team": team_id},
        )
        touched[kind] = {row[0] for row in found}
    refresh_rollups(conn, team_id, touched, None)


def rollup_mismatches(conn: Connection, team_id: str) -> list[tuple[Any, ...]]:
    """Rollup rows that differ from a fresh rebuild from the facts (empty when in step)."""
    columns = "period, metric, user_id, total, n, peak, last_day, last_key, last_value"
    stored = set(
        conn.execute(
            text(f"SELECT {columns} FROM kpi_rollups WHERE team_id = :team"), {"team": team_id}
        ).all()
    )
    nested = conn.begin_nested()
    try:
        rebuild_all_rollups(conn, team_id)
        fresh = set(
            conn.execute(
                text(f"SELECT {columns} FROM kpi_rollups WHERE team_id = :team"),
                {"team": team_id},
            ).all()
        )
    finally:
        nested.rollback()
    return sorted(stored ^ fresh, key=repr)


def count_duplicates(conn: Connection, team_id: str, rows: list[FactRow]) -> int:
    """How many rows without a ref equal a stored fact (same day, person, metric and value;
    each stored fact matched once): what importing them again would count twice."""
    plain = [r for r in rows if r.ref is None]
    stored: dict[tuple[Any, ...], int] = {}
    for days in _chunks(sorted({r.day.toordinal() for r in plain}), 500):
        found = conn.execute(
            text(
                "SELECT user_id, metric, day_ord, value, COUNT(*) FROM kpi_facts "
                "WHERE team_id = :team AND day_ord IN :days "
                "GROUP BY user_id, metric, day_ord, value"
            ).bindparams(bindparam("days", expanding=True)),
            {"team": team_id, "days": days},
        )
        stored.update((tuple(key), n) for *key, n in found)
    if not stored:
        return 0
    wanted = Counter((r.user_id, r.metric, r.day.toordinal(), r.value) for r in plain)
    return sum(min(n, stored.get(key, 0)) for key, n in wanted.items())


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
    from bot.core.tabular import read_table, require_columns

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
