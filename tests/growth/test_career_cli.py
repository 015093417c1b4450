"""`salespulse career readiness`: every rep, the numbers `/career` shows, CSV and XLSX with
formula cells neutralised, --team by key or name, bad input as one line (exit 1)."""

from __future__ import annotations

import csv
import json
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.core.config import AppConfig
from bot.i18n import fmt_percent
from handlers.cli import cli
from tests.growth.career_support import (
    LEVELS,
    METRICS,
    NOW,
    career_config,
    career_reply,
    career_world,
)

AS_OF = ["--as-of", "2026-11-26"]


@pytest.fixture
def config() -> AppConfig:
    return career_config()


def _line(key: str, value: Any) -> str:
    return f"{key} = {json.dumps(value, ensure_ascii=False)}\n"


def config_toml() -> str:
    """The ladder, metric and teams of career_config() as the CLI reads them."""
    text = '[workspace]\ntimezone = "Asia/Shanghai"\ndefault_locale = "en-US"\n'
    text += '[teams.east]\nname_en = "East"\nname_zh = "华东"\n'
    text += '[teams.west]\nname_en = "West"\nname_zh = "华西"\n'
    for metric in METRICS:
        text += "[[metrics]]\n" + "".join(_line(k, v) for k, v in metric.items())
    for level in LEVELS:
        text += "[[career.levels]]\n" + "".join(_line(k, v) for k, v in level.items())
    return text


@pytest.fixture
def world(db, org, deps, fake, tmp_path, monkeypatch):
    deps.clock = lambda: NOW
    people = career_world(db, org)
    org.person("UEVIL", "=HYPERLINK(1)", manager=people["east_mgr"], level="L1")
    (tmp_path / "career.toml").write_text(config_toml(), encoding="utf-8")
    for name, value in {
        "DATABASE_URL": deps.db.url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": fake.url,
        "SALESPULSE_CONFIG": str(tmp_path / "career.toml"),
    }.items():
        monkeypatch.setenv(name, value)
    return people


def _run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["career", "readiness", *args])


def _csv(world, tmp_path, *extra: str) -> dict[str, dict[str, str]]:
    path = tmp_path / "ready.csv"
    out = _run("--format", "csv", "--output", str(path), *AS_OF, *extra)
    assert out.exit_code == 0, out.output
    header, *rows = list(csv.reader(path.read_bytes().decode("utf-8-sig").splitlines()))
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


def test_csv_has_every_active_rep_with_the_numbers(world, tmp_path):
    rows = _csv(world, tmp_path)
    assert sorted(rows) == ["UALICE", "UBOB", "UCAROL", "UEVIL", "UXW"]  # reps only
    alice = rows["UALICE"]
    assert (alice["level"], alice["next_level"], alice["team"]) == ("L1", "L2", "east")
    assert (alice["composite"], alice["composite_required"], alice["composite_met"]) == (
        "0.85", "0.8", "yes"
    )  # fmt: skip
    assert (alice["rating"], alice["rating_required"], alice["rating_met"]) == ("", "", "")
    assert (alice["tenure_months"], alice["tenure_required"], alice["tenure_met"]) == (
        "17", "12", "yes"
    )  # fmt: skip
    assert alice["ready"] == "yes"
    bob = rows["UBOB"]
    assert (bob["composite"], bob["composite_met"]) == ("1.1", "no")  # 2 of 3 months
    assert (bob["rating"], bob["rating_required"], bob["rating_met"]) == ("3.7", "3.5", "yes")
    assert (bob["tenure_months"], bob["tenure_met"], bob["ready"]) == ("23", "no", "no")
    xw = rows["UXW"]
    assert (xw["rating"], xw["rating_met"], xw["tenure_months"], xw["tenure_met"]) == (
        "", "no", "", "no"
    )  # fmt: skip
    assert rows["UCAROL"]["ready"] == "top level" and rows["UCAROL"]["next_level"] == ""


def test_formula_cells_are_neutralised(world, tmp_path):
    rows = _csv(world, tmp_path)
    assert rows["UEVIL"]["name"] == "'=HYPERLINK(1)"
    path = tmp_path / "ready.xlsx"
    out = _run("--format", "xlsx", "--output", str(path), *AS_OF)
    assert out.exit_code == 0, out.output
    sheet = load_workbook(path).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = values[0]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in values[1:]}
    assert by_id["UEVIL"]["name"] == "'=HYPERLINK(1)"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert by_id["UBOB"]["rating"] == 3.7 and by_id["UALICE"]["composite"] == 0.85
    assert by_id["UALICE"]["tenure_months"] == 17


def test_the_file_says_what_card_says(world, tmp_path, slack, fake):
    """The same person, the same numbers: the CLI's cells formatted as /career formats them."""
    bob = _csv(world, tmp_path)["UBOB"]
    card = career_reply(slack, fake, "UEMGR", "<@UBOB>")
    assert f"(average so far {fmt_percent(float(bob['composite']), 'en-US')})" in card
    assert f"required {fmt_percent(float(bob['composite_required']), 'en-US')}" in card
    assert f"{bob['rating']} in 2026 Q3; required {bob['rating_required']}: met" in card
    assert f"{bob['tenure_months']} months; required {bob['tenure_required']} months" in card


def test_team_by_key_or_name_and_an_unknown_team(world, tmp_path):
    assert sorted(_csv(world, tmp_path, "--team", "West")) == ["UCAROL"]
    assert sorted(_csv(world, tmp_path, "--team", "华东")) == ["UALICE", "UBOB", "UEVIL", "UXW"]
    out = _run("--team", "north", *AS_OF)
    assert out.exit_code == 1
    assert "unknown team 'north'; teams: east, west" in out.output


def test_a_table_on_stdout_without_format(world):
    out = _run(*AS_OF)
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].split()[:3] == ["slack_id", "name", "team"]
    alice = next(line for line in lines if line.startswith("UALICE"))
    assert "85.0%" in alice and "80.0%" in alice and "17" in alice


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv"], "--format needs --output FILE"),
        (["--output", "x.csv"], "--output needs --format"),
        (["--as-of", "yesterday"], "--as-of 'yesterday'"),
        (["--format", "pdf", "--output", "x.pdf"], "--format 'pdf': use csv or xlsx"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(world, args, message):
    out = _run(*args)
    assert out.exit_code == 1 and message in out.output
    assert len(out.output.strip().splitlines()) == 1
    assert "Traceback" not in out.output
