"""`salespulse review export`: one row per review with the reviewed person's scorecard
columns; formula-looking cells neutralised; CSV with a BOM for Excel, XLSX read back with
openpyxl."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from handlers.cli import cli
from tests.reviews.close_support import answer, close_config, november_cycle
from tests.support.kpi_fixture import METRICS, load


@pytest.fixture
def config():
    return close_config()


@pytest.fixture
def cycle(org, db, deps, fake, tmp_path, monkeypatch):
    people = org.standard()
    load(db, "T0001", people)
    cycle = november_cycle(db)
    answer(db, cycle.id, "UBOB", "UEMGR", "manager", {"closing": 3}, "=1+1")
    answer(db, cycle.id, "UCAROL", "UCAROL", "self", {"teamwork": 5}, "@SUM(A1)")
    answer(db, cycle.id, "UXW", "UXW", "self", {"closing": 4}, "-2+3 and +1, 中文评语")
    (tmp_path / "none.toml").write_text(config_toml())
    for name, value in {
        "DATABASE_URL": deps.db.url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": fake.url,
        "SALESPULSE_CONFIG": str(tmp_path / "none.toml"),
    }.items():
        monkeypatch.setenv(name, value)
    return cycle


def config_toml() -> str:
    """The config file the CLI reads: the KPI fixture's metrics (what the composite uses)."""
    text = '[workspace]\ndefault_locale = "en-US"\n'
    for metric in METRICS:
        text += "[[metrics]]\n" + "".join(
            f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in metric.items()
        )
    return text


def _export(args: list[str]) -> str:
    out = CliRunner().invoke(cli, ["review", "export", *args])
    assert out.exit_code == 0, out.output
    return out.output


def _by_key(header: list[str], rows: list[list]) -> dict[tuple[str, str, str], dict]:
    found = {}
    for row in rows:
        record = dict(zip(header, row, strict=True))
        found[(record["slack_id"], record["reviewer_role"], record["reviewer"])] = record
    return found


def test_csv_has_a_row_per_review_with_scorecard_columns(cycle, tmp_path):
    path = tmp_path / "reviews.csv"
    output = _export(["Nov 2026", "--format", "csv", "--output", str(path)])
    assert f"exported 10 review row(s) of cycle {cycle.id} (Nov 2026)" in output
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Chinese right
    header, *rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert header[:9] == ["cycle", "period", "person", "slack_id", "team", "reviewer_role",
                          "reviewer", "status", "submitted_at"]  # fmt: skip
    assert "rating_closing" in header and "revenue_actual" in header
    assert header[-1] == "composite"
    rows_by = _by_key(header, rows)
    alice_mgr = rows_by[("UALICE", "manager", "Eric East")]
    assert alice_mgr["rating_closing"] == "5" and alice_mgr["status"] == "done"
    assert alice_mgr["comment"] == "Great month, Alice (manager words)"
    # the November scorecard: 180,001 of 200,000 -> 0.9000 (rounded to 4 places)
    assert alice_mgr["revenue_actual"] == "180001" and alice_mgr["revenue_target"] == "200000"
    assert alice_mgr["revenue_attainment"] == "0.9000"
    assert alice_mgr["composite"] == "1.0667"
    assert rows_by[("UALICE", "peer", "Bob Chen")]["team"] == "east"  # HR sees every reviewer
    wendy = rows_by[("UCAROL", "manager", "Wendy West")]  # not submitted: listed, empty
    assert wendy["status"] == "open" and wendy["comment"] == "" and wendy["rating_closing"] == ""
    # formulas are neutralised, plain text is not touched
    assert rows_by[("UBOB", "manager", "Eric East")]["comment"] == "'=1+1"
    assert rows_by[("UCAROL", "self", "Carol Diaz")]["comment"] == "'@SUM(A1)"
    assert rows_by[("UXW", "self", "王小明")]["comment"] == "'-2+3 and +1, 中文评语"


def test_xlsx_opens_in_a_spreadsheet(cycle, tmp_path):
    path = tmp_path / "reviews.xlsx"
    _export(["--format", "xlsx", "--output", str(path)])  # the latest open cycle
    sheet = load_workbook(path).active
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    rows_by = _by_key(header, rows)
    assert len(rows) == 10
    alice_self = rows_by[("UALICE", "self", "Alice Wong")]
    assert alice_self["rating_teamwork"] == 5 and alice_self["revenue_actual"] == 180001
    assert rows_by[("UBOB", "manager", "Eric East")]["comment"] == "'=1+1"
    assert rows_by[("UCAROL", "self", "Carol Diaz")]["comment"] == "'@SUM(A1)"
    formulas = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_an_unknown_cycle_is_one_line(cycle, tmp_path):
    out = CliRunner().invoke(
        cli, ["review", "export", "999", "--format", "csv", "--output", str(tmp_path / "x.csv")]
    )
    assert out.exit_code != 0
    assert out.output.strip().splitlines() == ["Error: No review cycle matches “999”."]
    assert not (tmp_path / "x.csv").exists()
