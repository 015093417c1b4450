"""A file without refs imported twice would count every row twice: the second import is
refused with how many rows equal stored facts, unless --allow-duplicates."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

from click.testing import CliRunner
from sqlmodel import func, select

from bot.core.periods import parse_key
from bot.kpi import scorecard
from bot.kpi.facts import import_file
from bot.kpi.rollups import rollup_mismatches
from handlers.cli import cli
from storage.models.kpi import KpiFact

T = "T0001"
ROWS = (
    "date,user,metric,value,ref\n"
    "2026-11-02,UALICE,revenue,100,\n"
    "2026-11-03,UALICE,revenue,50,\n"
    "2026-11-03,UBOB,revenue,70,\n"
    "2026-11-04,UBOB,revenue,5,crm-9\n"  # has a ref: replaces, never a duplicate
)


def revenue(deps, user):
    with deps.db.session() as s:
        card = scorecard.scorecard(s, deps.config, T, user, parse_key("2026-11"))
        assert rollup_mismatches(s.connection(), T) == []
    return {m.metric.key: m.actual for m in card.metrics}["revenue"]


def count(deps):
    with deps.db.session() as s:
        return s.exec(select(func.count()).select_from(KpiFact)).one()


def test_importing_a_file_without_refs_twice_is_refused_unless_allowed(
    deps, org, tmp_path, monkeypatch
):
    people = org.standard()
    monkeypatch.setenv("DATABASE_URL", deps.db.url)
    monkeypatch.setenv("SALESPULSE_TEAM_ID", T)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "facts.csv"
    path.write_text(ROWS)
    out = CliRunner().invoke(cli, ["kpi", "import", str(path)])
    assert out.exit_code == 0, out.output
    assert revenue(deps, people["alice"]) == Decimal(150)

    out = CliRunner().invoke(cli, ["kpi", "import", str(path)])
    assert out.exit_code == 1
    assert f"{path}: 3 row(s) without a ref equal facts already stored" in out.output
    assert "nothing was imported" in out.output and "--allow-duplicates" in out.output
    assert count(deps) == 4
    assert revenue(deps, people["alice"]) == Decimal(150)

    out = CliRunner().invoke(cli, ["kpi", "import", str(path), "--allow-duplicates"])
    assert out.exit_code == 0, out.output
    assert "3 new, 1 replaced" in out.output
    assert count(deps) == 7
    assert revenue(deps, people["alice"]) == Decimal(300)
    assert revenue(deps, people["bob"]) == Decimal(145)


def test_only_rows_equal_to_stored_facts_count_each_stored_fact_once(deps, org, tmp_path):
    org.standard()
    first = tmp_path / "a.csv"
    first.write_text("date,user,metric,value\n2026-11-02,UALICE,revenue,100\n")
    second = tmp_path / "b.csv"
    second.write_text(  # one row equals the stored fact; its twin and the others don't
        "date,user,metric,value\n2026-11-02,UALICE,revenue,100\n2026-11-02,UALICE,revenue,100\n"
        "2026-11-02,UALICE,revenue,101\n2026-11-02,UBOB,revenue,100\n2026-11-03,UALICE,revenue,100\n"
    )
    for path, duplicates in ((first, 0), (second, 1)):
        with deps.db.session() as s:
            result = import_file(s, T, deps.config, path, date(2026, 11, 26))
        assert result.duplicates == duplicates
    assert count(deps) == 1


def test_the_same_file_imported_twice_at_once_is_written_once(deps, org, tmp_path):
    people = org.standard()
    path = tmp_path / "facts.csv"
    path.write_text(ROWS)
    start = threading.Barrier(2)

    def run():
        start.wait()
        with deps.db.session() as s:
            return import_file(s, T, deps.config, path, date(2026, 11, 26))

    with ThreadPoolExecutor(2) as pool:
        results = [f.result() for f in [pool.submit(run), pool.submit(run)]]
    assert sorted((r.imported, r.duplicates) for r in results) == [(0, 3), (4, 0)]
    assert count(deps) == 4
    assert revenue(deps, people["alice"]) == Decimal(150)
