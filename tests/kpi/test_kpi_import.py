"""Facts and targets from files: all or nothing with every bad row by line, --skip-invalid,
refs that replace, GBK / BOM CSV and XLSX, and rollups that always match the facts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlmodel import func, select

from bot.core.periods import parse_key
from bot.kpi import scorecard
from bot.kpi.facts import import_file
from bot.kpi.rollups import rollup_mismatches
from bot.kpi.store import to_decimal
from bot.kpi.targets import import_targets
from bot.kpi.validation import parse_value
from handlers.cli import cli
from storage.models.kpi import KpiFact, KpiTarget

T = "T0001"
TODAY = date(2026, 11, 26)


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run_import(deps, path, **kw):
    with deps.db.session() as s:
        result = import_file(s, T, deps.config, path, TODAY, **kw)
        if result.errors and not kw.get("skip_invalid"):
            s.rollback()
    return result


def facts(deps):
    with deps.db.session() as s:
        return s.exec(select(KpiFact).order_by(KpiFact.id)).all()


def to_the_cent(config):  # type: ignore[no-untyped-def]
    """The config with every metric shown to 2 decimals: exact stored values come through."""
    metrics = [m.model_copy(update={"decimals": 2}) for m in config.metrics]
    return config.model_copy(update={"metrics": metrics})


def month_revenue(deps, user, key="2026-11"):
    with deps.db.session() as s:
        card = scorecard.scorecard(s, to_the_cent(deps.config), T, user, parse_key(key))
    return {m.metric.key: m.actual for m in card.metrics}["revenue"]


def test_every_bad_row_is_reported_by_line_and_nothing_is_written(deps, org, tmp_path):
    org.standard()
    path = write(
        tmp_path,
        "facts.csv",
        "date,user,metric,value,ref\n"
        "2026-11-02,UALICE,revenue,1000,a1\n"  # line 2: fine
        "2026-11-02,UNOBODY,revenue,1000,\n"  # 3: unknown user
        "2026-11-02,alice@example.com,bananas,1,\n"  # 4: unknown metric
        "2026-11-02,UALICE,revenue,12abc,\n"  # 5: bad number
        "2026-13-02,UALICE,revenue,1,\n"  # 6: bad date
        "2026-11-27,UALICE,revenue,1,\n"  # 7: future date
        "2026-11-03,UBOB,revenue,5,a1\n"  # 8: duplicate ref
        "2026-11-03,UBOB,revenue,1.1234567,\n",  # 9: too precise
    )
    result = run_import(deps, path)
    lines = [line for line, _ in result.errors]
    assert lines == [3, 4, 5, 6, 7, 8, 9]
    text = " ".join(p for _, p in result.errors)
    assert "UNOBODY" in text and "bananas" in text and "12abc" in text
    assert "future" in text and "duplicate ref 'a1' (also on line 2)" in text
    assert facts(deps) == []


def test_skip_invalid_imports_the_good_rows(deps, org, tmp_path):
    people = org.standard()
    path = write(
        tmp_path,
        "facts.csv",
        'date,user,metric,value\n2026-11-02,UALICE,revenue,"1,234,567.5"\n'
        "2026-11-02,UNOBODY,revenue,1\n",
    )
    result = run_import(deps, path, skip_invalid=True)
    assert result.imported == 1 and [line for line, _ in result.errors] == [3]
    assert month_revenue(deps, people["alice"]) == Decimal("1234567.5")


def test_same_ref_replaces_and_rollups_follow_even_across_months(deps, org, tmp_path):
    people = org.standard()
    first = write(
        tmp_path,
        "a.csv",
        "date,user,metric,value,ref\n2026-10-30,UALICE,revenue,100,crm-1\n"
        "2026-11-02,UALICE,revenue,50,crm-2\n",
    )
    assert run_import(deps, first).imported == 2
    again = write(
        tmp_path,
        "b.csv",
        "date,user,metric,value,ref\n2026-11-05,UALICE,revenue,300,crm-1\n"
        "2026-11-02,UALICE,revenue,50,crm-2\n",
    )
    result = run_import(deps, again)
    assert (result.imported, result.replaced) == (0, 2)
    assert len(facts(deps)) == 2
    assert month_revenue(deps, people["alice"]) == Decimal(350)
    assert month_revenue(deps, people["alice"], "2026-10") is None  # moved out of October
    assert month_revenue(deps, people["alice"], "2026-Q4") == Decimal(350)
    with deps.db.session() as s:
        assert rollup_mismatches(s.connection(), T) == []


def test_rollups_never_disagree_with_the_facts(deps, org, tmp_path):
    """Random batches of writes and replacements; the rollups equal a rebuild each time."""
    import random

    org.standard()
    rnd = random.Random(4)
    for batch in range(6):
        rows = ["date,user,metric,value,ref"]
        for i in range(40):
            day = date(2026, rnd.randint(9, 11), rnd.randint(1, 25))
            who = rnd.choice(["UALICE", "UBOB", "UXW", "UCAROL"])
            metric = rnd.choice(["revenue", "csat", "new_customers", "conversion_rate"])
            ref = f"r{rnd.randint(0, 60)}" if i % 2 else ""
            rows.append(f"{day},{who},{metric},{rnd.randint(1, 999)}.{rnd.randint(0, 9)},{ref}")
        # refs must be unique within a file: keep the last of each
        seen, unique = set(), []
        for row in reversed(rows[1:]):
            ref = row.rsplit(",", 1)[1]
            if ref and ref in seen:
                continue
            seen.add(ref)
            unique.append(row)
        path = write(tmp_path, f"b{batch}.csv", "\n".join([rows[0], *reversed(unique)]) + "\n")
        assert run_import(deps, path).ok
        with deps.db.session() as s:
            assert rollup_mismatches(s.connection(), T) == []


def test_gbk_and_bom_csv_and_xlsx_read_the_same(deps, org, tmp_path):
    people = org.standard()
    body = "date,user,metric,value,ref\n2026-11-02,xw@example.com,revenue,1000.5,{ref}\n"
    gbk = write(tmp_path, "gbk.csv", body.format(ref="单号-1"), "gbk")
    bom = write(tmp_path, "bom.csv", body.format(ref="单号-2"), "utf-8-sig")
    assert gbk.read_bytes()[:3] != b"\xef\xbb\xbf" and bom.read_bytes()[:3] == b"\xef\xbb\xbf"
    book = Workbook()
    sheet = book.active
    sheet.append(["Date", "User", "Metric", "Value", "Ref"])
    sheet.append([date(2026, 11, 3), "UXW", "revenue", 2000, "单号-3"])
    xlsx = tmp_path / "facts.xlsx"
    book.save(xlsx)
    for path in (gbk, bom, xlsx):
        assert run_import(deps, path).ok, path
    assert month_revenue(deps, people["xiaowang"]) == Decimal("4001")
    assert sorted(f.ref for f in facts(deps)) == ["单号-1", "单号-2", "单号-3"]


def test_missing_columns_reject_the_file(deps, org, tmp_path):
    from bot.core.tabular import FileFormatError

    org.standard()
    path = write(tmp_path, "x.csv", "date,user,value\n2026-11-02,UALICE,1\n")
    with pytest.raises(FileFormatError, match="metric"):
        run_import(deps, path)


def test_targets_import_validates_and_replaces(deps, org, tmp_path):
    org.standard()
    bad = write(
        tmp_path,
        "t.csv",
        "period,scope,metric,target\n2026-11,team:east,revenue,100000\n"
        "2026-13,team:east,revenue,1\n"  # bad period
        "2026-Q4,team:nowhere,revenue,1\n"  # unknown team
        "2026-W48,UNOBODY,revenue,1\n"  # unknown person
        "2026,UALICE,bananas,1\n"  # unknown metric
        "2026-11,team:east,revenue,2\n",  # duplicate of line 2
    )
    with deps.db.session() as s:
        result = import_targets(s, T, deps.config, bad)
        s.rollback()
    assert [line for line, _ in result.errors] == [3, 4, 5, 6, 7]
    good = write(
        tmp_path,
        "t2.csv",
        "period,scope,metric,target\n2026-11,team:east,revenue,100000\n"
        "2026-W48,alice@example.com,revenue,5000\n",
    )
    for _ in range(2):  # idempotent: the second import replaces, doesn't add
        with deps.db.session() as s:
            assert import_targets(s, T, deps.config, good).written == 2
    with deps.db.session() as s:
        assert s.exec(select(func.count()).select_from(KpiTarget)).one() == 2


def test_cli_kpi_and_targets_import(deps, org, tmp_path, monkeypatch):
    people = org.standard()
    monkeypatch.setenv("DATABASE_URL", deps.db.url)
    monkeypatch.setenv("SALESPULSE_TEAM_ID", T)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    bad = write(tmp_path, "bad.csv", "date,user,metric,value\n2026-11-02,UNOBODY,revenue,1\n")
    out = CliRunner().invoke(cli, ["kpi", "import", str(bad)])
    assert out.exit_code == 1
    assert "bad.csv:2: user 'UNOBODY'" in out.output and "nothing was imported" in out.output
    good = write(tmp_path, "good.csv", "date,user,metric,value\n2026-11-02,UALICE,revenue,7\n")
    out = CliRunner().invoke(cli, ["kpi", "import", str(good)])
    assert out.exit_code == 0, out.output
    assert "1 new" in out.output
    out = CliRunner().invoke(
        cli,
        [
            "targets",
            "import",
            str(
                write(tmp_path, "t.csv", "period,scope,metric,target\n2026-11,UALICE,revenue,14\n")
            ),
        ],
    )
    assert out.exit_code == 0, out.output
    with deps.db.session() as s:
        card = scorecard.scorecard(s, deps.config, T, people["alice"], parse_key("2026-11"))
    assert card.metrics[0].attainment == Decimal("0.5")


@given(st.decimals(min_value=-(10**11), max_value=10**11, places=6, allow_nan=False))
def test_values_round_trip_exactly(value):
    assert to_decimal(parse_value(str(value))) == value


@given(st.text(max_size=30))
def test_parse_value_accepts_or_explains(text):
    try:
        parse_value(text)
    except ValueError as exc:
        assert str(exc)
