"""`salespulse kpi calibration`: the card's numbers as a table, as CSV on stdout or in a
file (XLSX too), in English or Chinese; bad arguments are one line and exit 1. SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from click.testing import CliRunner

from bot.core.config import AppConfig
from bot.improvement.calibration import scheme_review
from bot.kpi.views import pct
from handlers.cli import cli
from tests.improvement.calibration_support import (
    METRICS,
    OCT_1,
    T,
    calibration_config,
    load,
    people,
)

CONFIG_TOML = """
[workspace]
timezone = "Asia/Shanghai"
default_locale = "en-US"
[teams.east]
name_en = "East"
name_zh = "华东"
[teams.west]
name_en = "West"
name_zh = "华西"
"""


def _metrics_toml(label_en: str = "Calls") -> str:
    parts = []
    for m in METRICS:
        lines = ["[[metrics]]"]
        for key, value in m.items():
            if key == "label_en" and m["key"] == "calls":
                value = label_en
            if isinstance(value, bool):
                lines.append(f"{key} = {str(value).lower()}")
            elif isinstance(value, str):
                lines.append(f'{key} = "{value}"')
            else:
                lines.append(f"{key} = {value}")
        parts.append("\n".join(lines))
    return "\n".join(parts)


@pytest.fixture
def config() -> AppConfig:
    return calibration_config()


@pytest.fixture
def run(org, deps, fake, tmp_path, monkeypatch):
    load(deps.db, people(org))

    def invoke(*args: str, label_en: str = "Calls"):
        path = tmp_path / "salespulse.toml"
        path.write_text(CONFIG_TOML + _metrics_toml(label_en), encoding="utf-8")
        env = {"DATABASE_URL": deps.db.url, "SLACK_BOT_TOKEN": "xoxb-test",
               "SLACK_API_URL": fake.url, "SALESPULSE_CONFIG": str(path),
               "SALESPULSE_TEAM_ID": T}  # fmt: skip
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return CliRunner().invoke(cli, ["kpi", "calibration", *args])

    return invoke


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_table_shows_the_cards_numbers(run, deps, fake):
    out = run("--period", "2026-Q3")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "2026-Q3: 4 metric(s), 2 flagged"
    assert lines[1].split() == [
        "metric", "label", "reps_with_target", "at_or_above_100", "at_cap_150",
        "median_attainment", "top_team", "top_team_median", "bottom_team",
        "bottom_team_median", "spread_pts", "flags",
    ]  # fmt: skip
    assert lines[2].split() == ["calls", "Calls", "10", "80.0%", "60.0%", "150.0%", "East",
                                "160.0%", "West", "120.0%", "40.0", "target", "too", "easy"]  # fmt: skip
    assert lines[3].split()[:3] == ["revenue", "Revenue", "10"]
    assert lines[3].split()[-3:] == ["target", "too", "hard"]
    # the card says the same
    scheme_review(deps, OCT_1)
    card = str(fake.dms_to("UHR")[0].params)
    for figure in ("8 of 10 (80.0%)", "6 of 10 (60.0%)", "median attainment 150.0%",
                   "highest East 160.0%, lowest West 120.0% · spread 40.0 pts"):  # fmt: skip
        assert figure in card


def test_csv_on_stdout_equals_the_card(run, deps, fake):
    out = run("--period", "2026-Q3", "--format", "csv")
    assert out.exit_code == 0, out.output
    rows = {r["metric"]: r for r in csv_rows(out.output)}
    assert list(rows) == ["calls", "revenue", "csat", "response_hours"]
    assert rows["calls"] == {
        "metric": "calls", "label": "Calls", "reps_with_target": "10",
        "at_or_above_100": "0.800", "at_cap_150": "0.600", "median_attainment": "1.500",
        "top_team": "East", "top_team_median": "1.600", "bottom_team": "West",
        "bottom_team_median": "1.200", "spread_pts": "40.0", "flags": "target too easy",
    }  # fmt: skip
    assert rows["csat"]["flags"] == "" and rows["csat"]["median_attainment"] == "1.025"
    scheme_review(deps, OCT_1)
    card = fake.dms_to("UHR")[0].params
    for key, row in rows.items():
        label = row["label"]
        text = next(
            b["text"]["text"]
            for b in card["blocks"]
            if b.get("type") == "section" and b["text"]["text"].startswith(f"*{label}*")
        )
        for column in ("at_or_above_100", "at_cap_150", "median_attainment", "top_team_median",
                       "bottom_team_median"):  # fmt: skip
            assert pct(Decimal(row[column]), "en-US") in text, (key, column)
        assert f"spread {row['spread_pts']} pts" in text
        assert f"{row['reps_with_target']} reps with a target" in text


def test_csv_and_xlsx_files_in_chinese(run, tmp_path):
    path = tmp_path / "calibration.csv"
    out = run("--period", "2026-Q3", "--output", str(path), "--lang", "zh")
    assert out.exit_code == 0, out.output
    assert out.output == f"wrote 4 metric(s) of 2026-Q3 to {path}\n"
    data = path.read_bytes()
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8
    rows = csv_rows(data.decode("utf-8"))
    assert rows[0]["指标"] == "电话量" and rows[0]["中位数最高团队"] == "华东"
    assert rows[0]["标记"] == "目标过易" and rows[1]["标记"] == "目标过难"
    xlsx = tmp_path / "calibration.xlsx"
    out = run("--period", "2026-Q3", "--format", "xlsx", "--output", str(xlsx))
    assert out.exit_code == 0, out.output
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "metric" and values[1][:4] == ["calls", "Calls", 10, 0.8]


def test_a_label_a_spreadsheet_would_run_is_neutralised(run):
    out = run("--period", "2026-Q3", "--format", "csv", label_en="=HYPERLINK(1)")
    assert out.exit_code == 0, out.output
    assert csv_rows(out.output)[0]["label"] == "'=HYPERLINK(1)"


def test_a_period_without_targets_and_other_kinds(run):
    out = run("--period", "2026-08", "--format", "csv")
    assert out.exit_code == 0, out.output
    assert [r["reps_with_target"] for r in csv_rows(out.output)] == ["0", "0", "0", "0"]
    assert run("--period", "2026").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "Q3"], "--period 'Q3': use 2026-Q3"),
        (["--period", "0999-Q1"], "years 1001 to 9998 only"),
        (["--format", "pdf"], "--format 'pdf': use table, csv or xlsx"),
        (["--format", "xlsx"], "--format xlsx needs --output FILE"),
        (["--format", "table", "--output", "x.csv"], "--output takes --format csv or xlsx"),
        (["--lang", "fr"], "--lang 'fr': use en or zh"),
        (["--output", "/nonexistent/dir/x.csv"], "not a file in an existing directory"),
    ],
)
def test_bad_arguments_are_one_line(run, args, message):
    out = run(*args)
    assert out.exit_code == 1
    assert message in out.output and len(out.output.strip().splitlines()) == 1
