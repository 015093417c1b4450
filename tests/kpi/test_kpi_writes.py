"""KPI writes racing each other: API batches through the real server, a file import and a
--skip-invalid import at once, all reusing one ref; afterwards facts, rollups and stored
rankings equal a rebuild from the facts. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import Session

from bot.core.periods import containing, parse_key
from bot.kpi import scorecard
from bot.kpi.facts import import_file
from bot.kpi.rollups import rollup_mismatches
from bot.kpi.store import invalidate_scores
from storage.models.kpi import KpiTarget
from tests.conftest import API_TOKEN, TEAM

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
TODAY = date(2026, 11, 26)
REF = "crm-shared"
PERIODS = ("2026-10", "2026-11", "2026-Q4", "2026", "2026-W44", "2026-W46", "2026-W48")


@pytest.fixture(autouse=True)
def _today(deps):
    deps.clock = lambda: datetime(2026, 11, 26, 4, 0, tzinfo=UTC)


def _targets(deps, people):
    with deps.db.session() as s:
        for period in ("2026-10", "2026-11", "2026-Q4", "2026"):
            s.add(
                KpiTarget(team_id=TEAM, period=period, sales_team="east",
                          metric="revenue", target=10_000 * 10**6)
            )  # fmt: skip
        s.add(
            KpiTarget(team_id=TEAM, period="2026-11", user_id=people["carol"].id,
                      metric="revenue", target=5_000 * 10**6)
        )  # fmt: skip


def _import(deps, path, skip_invalid):
    """What `salespulse kpi import` does: import the file, then rank the current periods."""
    with deps.db.session() as s:
        result = import_file(s, TEAM, deps.config, path, TODAY, skip_invalid=skip_invalid)
        if result.errors and not skip_invalid:
            s.rollback()
        else:
            scorecard.warm_up(s, deps.config, TEAM, TODAY)
    return result


def _stored_rankings(deps):
    with deps.db.session() as s:
        rows = s.connection().execute(
            text(
                "SELECT period, user_id, sales_team, ROUND(CAST(composite AS NUMERIC), 9), "
                "team_rank, team_size, company_rank, company_size FROM kpi_scores "
                "WHERE team_id = :team"
            ),
            {"team": TEAM},
        )
        return sorted(tuple(str(v) for v in row) for row in rows)


def test_parallel_batches_and_imports_reusing_a_ref_leave_everything_exact(
    server, org, deps, tmp_path
):
    people = org.standard()
    _targets(deps, people)
    with deps.db.session() as s:  # rankings stored before the storm: writes must keep them
        for key in PERIODS:
            scorecard.leaderboard(s, deps.config, TEAM, parse_key(key))
    users = ["UALICE", "UBOB", "UXW", "UCAROL"]
    plain = tmp_path / "plain.csv"
    plain.write_text(
        "date,user,metric,value,ref\n"
        f"2026-09-30,UBOB,revenue,700,{REF}\n"
        "2026-11-20,UCAROL,revenue,3000,file-1\n"
        "2026-11-21,UXW,revenue,1200,\n"
    )
    skipping = tmp_path / "skipping.csv"
    skipping.write_text(
        "date,user,metric,value,ref\n"
        f"2026-11-24,UXW,revenue,900,{REF}\n"
        "2026-11-24,UNOBODY,revenue,1,\n"
        "2026-10-12,UALICE,revenue,450,file-2\n"
    )
    workers = 18
    start = threading.Barrier(workers)

    def post(i):
        # the shared ref moves between October and November, weeks and people
        day = date(2026, 10 + i % 2, 1 + i)
        batch = [
            {"date": day.isoformat(), "user": users[i % 4], "metric": "revenue",
             "value": str(1000 + i), "ref": REF},
            {"date": "2026-11-02", "user": users[(i + 1) % 4], "metric": "revenue",
             "value": str(10 * i), "ref": f"api-{i % 5}"},
            {"date": "2026-11-03", "user": users[(i + 2) % 4], "metric": "csat", "value": "4"},
        ]  # fmt: skip
        start.wait()
        return httpx.post(f"{server}/api/v1/kpi", json=batch, headers=AUTH, timeout=120)

    def run_import(path, skip_invalid):
        start.wait()
        return _import(deps, path, skip_invalid)

    with ThreadPoolExecutor(workers) as pool:
        answers = [pool.submit(post, i) for i in range(16)]
        imports = [pool.submit(run_import, plain, False), pool.submit(run_import, skipping, True)]
        responses = [a.result() for a in answers]
        results = [i.result() for i in imports]

    assert [r.status_code for r in responses] == [200] * 16, [r.text for r in responses]
    assert results[0].ok and [line for line, _ in results[1].errors] == [3]
    with deps.db.session() as s:
        conn = s.connection()
        per_ref = dict(
            conn.execute(
                text("SELECT ref, COUNT(*) FROM kpi_facts WHERE ref IS NOT NULL GROUP BY ref")
            ).all()
        )
        assert per_ref == {REF: 1, "file-1": 1, "file-2": 1, **{f"api-{i}": 1 for i in range(5)}}
        assert rollup_mismatches(conn, TEAM) == []
    stored = _stored_rankings(deps)
    with deps.db.session() as s:
        periods = set(s.connection().execute(text("SELECT period FROM kpi_score_sets")).scalars())
    assert periods >= {containing(kind, TODAY).key for kind in ("week", "month", "quarter", "year")}
    with deps.db.session() as s:  # the same periods ranked again from scratch
        invalidate_scores(s.connection(), TEAM, None)
        for key in periods:
            scorecard.ranked(s, deps.config, TEAM, parse_key(key))
    assert _stored_rankings(deps) == stored


def _waiting_for_the_write_lock(deps) -> bool:
    with deps.db.engine.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                    "WHERE d.datname = current_database() AND l.locktype = 'advisory' "
                    "AND NOT l.granted"
                )
            ).first()
        )


def test_a_ranking_computed_during_a_write_is_not_stored_stale(org, deps):
    """A /kpi read ranks a period while an API write is in flight: it must rank what the
    write commits, not what was there before (on PostgreSQL it stored the old ranking, and
    the writer's in-place re-scoring never saw it)."""
    from bot.core.periods import keys_of
    from bot.kpi.validation import FactRow
    from bot.kpi.writer import write_facts

    people = org.standard()
    _targets(deps, people)
    period = parse_key("2026-11")
    day = date(2026, 11, 20)
    writer = deps.db.engine.connect()
    session = Session(bind=writer)
    row = FactRow(2, people["bob"].id, "revenue", day, 9_000 * 10**6, None, keys_of(day))
    write_facts(session, TEAM, [row], config=deps.config)  # holds the write, uncommitted
    done: dict[str, object] = {}

    def read() -> None:
        with deps.db.session() as s:
            done["board"] = scorecard.leaderboard(s, deps.config, TEAM, period)

    reader = threading.Thread(target=read)
    try:
        reader.start()
        if deps.db.url.startswith("postgresql"):  # until the reader waits for the writer
            while reader.is_alive() and not _waiting_for_the_write_lock(deps):
                reader.join(0.01)
        else:  # SQLite: the reader's INSERT waits on the write lock; let it get there
            reader.join(0.5)
        session.commit()
    finally:
        session.close()
        writer.close()
    reader.join(30)
    stored = _stored_rankings(deps)
    with deps.db.session() as s:
        invalidate_scores(s.connection(), TEAM, None)
        scorecard.ranked(s, deps.config, TEAM, period)
    assert _stored_rankings(deps) == stored
    assert done["board"][0].slack_id == "UBOB"  # type: ignore[index]
