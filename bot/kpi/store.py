"""The lowest layer of KPI storage, shared by the fact writer, the targets import and the
rankings: stored micro-units back to Decimals, the per-workspace write lock, and forgetting
stored rankings."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import islice
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from storage.models.kpi import SCALE


def to_decimal(micro: int | Decimal | float | None) -> Decimal | None:
    """Micro-units back to the exact Decimal, without trailing zeros (1234567, 12.5)."""
    if micro is None:
        return None
    value = Decimal(micro) / SCALE if isinstance(micro, float) else Decimal(micro).scaleb(-6)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
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


def invalidate_scores(conn: Connection, team_id: str, periods: Iterable[str] | None) -> None:
    """Forget stored rankings of these periods (None: all), in the caller's transaction."""
    keys = None if periods is None else sorted(set(periods))
    for table in ("kpi_scores", "kpi_score_sets"):
        if keys is None:
            conn.execute(text(f"DELETE FROM {table} WHERE team_id = :team"), {"team": team_id})
            continue
        for chunk in chunks(keys, 500):
            conn.execute(
                text(f"DELETE FROM {table} WHERE team_id = :team AND period IN :keys").bindparams(
                    bindparam("keys", expanding=True)
                ),
                {"team": team_id, "keys": chunk},
            )
