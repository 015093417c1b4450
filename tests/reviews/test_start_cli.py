"""`salespulse review start` and the review-recurring job (`salespulse jobs run`): one line
per bad argument and nothing created; a recurring cycle opens once per period, even with two
runs at the same time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from bot.core.config import AppConfig
from bot.features import find_job
from handlers.cli import cli
from tests.conftest import TEST_CONFIG
from tests.reviews.start_support import cycles, tasks

RECURRING = """
[workspace]
timezone = "Asia/Shanghai"
default_locale = "en-US"

[teams.east]
channel = "CEAST"

[teams.west]
channel = "CWEST"
name_en = "West"
name_zh = "华西"

[[reviews.recurring]]
kind = "quarterly"
open_days_before_end = 7
due_days_after_end = 10
steps = ["self", "manager"]
"""


@pytest.fixture
def env(db, fake, tmp_path, monkeypatch):
    config = tmp_path / "salespulse.toml"
    config.write_text(RECURRING, encoding="utf-8")
    for name, value in {
        "DATABASE_URL": db.url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": fake.url,
        "SALESPULSE_CONFIG": str(config),
        "SALESPULSE_TEAM_ID": "T0001",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)


def run(*args: str):
    return CliRunner().invoke(cli, ["review", "start", *args])


BASE = ["--name", "2026 Q4", "--kind", "quarterly", "--period", "2026-Q4", "--due", "2099-12-31"]


def test_cli_start_prints_the_id_and_the_tasks(env, org, db, fake):
    org.standard()
    result = run(*BASE, "--teams", "East,华西", "--steps", "self,manager")
    [cycle] = cycles(db)
    assert result.exit_code == 0, result.output
    assert result.output == f"opened cycle {cycle.id} “2026 Q4”: 8 tasks; sent 6 DM(s), 0 failed\n"
    assert cycle.teams == ["east", "west"] and cycle.created_by_id is None
    assert "Your self review" in fake.dms_to("UCAROL")[0].params["text"]


def test_cli_start_with_peers_creates_nomination_tasks(env, org, db):
    org.standard()
    result = run(
        *BASE[:-2], "--due", "2099-12-31", "--teams", "west", "--steps", "self,peer", "--peers", "3"
    )
    assert result.exit_code == 0, result.output
    assert sorted(t.role for t in tasks(db)) == ["nominate", "self"]
    assert cycles(db)[0].peers == 3


@pytest.mark.parametrize(
    ("change", "line"),
    [
        (["--teams", "north"], "Unknown team `north`."),
        (
            ["--due", "2020-01-01"],
            "The due date 2020-01-01 is in the past: choose today or a later day.",
        ),
        (["--due", "31/12/2026"], "`31/12/2026` is not a date: use YYYY-MM-DD, e.g. 2026-12-31."),
        (
            ["--period", "2026-Q5"],
            "`2026-Q5` is not a period of a quarterly cycle: use e.g. 2026-11 (monthly), "
            "2026-Q4 (quarterly) or 2026 (annual).",
        ),
        (["--kind", "weekly"], "Unknown kind `weekly`: use monthly, quarterly or annual."),
        (["--steps", "self,boss"], "Choose the steps among self, manager and peer."),
        (["--steps", "peer", "--peers", "0"], "The number of peers must be between 1 and 10."),
    ],
)
def test_cli_bad_arguments_print_one_line_and_create_nothing(env, org, db, fake, change, line):
    org.standard()
    args = list(BASE)
    for flag, value in zip(change[::2], change[1::2], strict=True):
        if flag in args:
            args[args.index(flag) + 1] = value
        else:
            args += [flag, value]
    result = run(*args)
    assert result.exit_code == 1
    assert result.output == f"Error: {line}\n"
    assert cycles(db) == [] and tasks(db) == []
    assert fake.dms_to("UALICE") == []


def test_cli_duplicate_name(env, org, db, fake):
    org.standard()
    assert run(*BASE).exit_code == 0
    result = run(*BASE[:-4], "--period", "2026-Q3", "--due", "2099-12-31")
    assert result.exit_code == 1
    assert result.output == "Error: A cycle named “2026 Q4” exists already: choose another name.\n"
    assert len(cycles(db)) == 1 and len(tasks(db)) == 8
    assert len(fake.dms_to("UALICE")) == 1


def test_recurring_opens_the_period_once_from_its_opening_day(env, org, db, fake):
    org.standard()
    early = CliRunner().invoke(cli, ["jobs", "run", "review-recurring", "--as-of", "2026-12-23"])
    assert early.exit_code == 0, early.output
    assert early.output == (
        "review-recurring: opened 0 cycle(s): none; 0 already open; sent 0, failed 0\n"
    )
    assert cycles(db) == []
    ran = CliRunner().invoke(cli, ["jobs", "run", "review-recurring", "--as-of", "2026-12-24"])
    assert ran.exit_code == 0, ran.output
    assert ran.output == (
        "review-recurring: opened 1 cycle(s): 2026-Q4 quarterly review (8 tasks); "
        "0 already open; sent 0, failed 0\n"
    )  # the end of Dec 24 is night in Shanghai: the DMs wait for the morning
    assert fake.dms_to("UALICE") == []
    tick = ["jobs", "run", "deliver-outbox", "--as-of", "2026-12-25T10:00+08:00"]
    assert CliRunner().invoke(cli, tick).exit_code == 0
    [cycle] = cycles(db)
    assert (cycle.recurring_key, cycle.period, str(cycle.due), cycle.steps) == (
        "quarterly:2026-Q4", "2026-Q4", "2027-01-10", ["self", "manager"],
    )  # fmt: skip
    assert "“2026-Q4 quarterly review” is open" in fake.dms_to("UALICE")[0].params["text"]
    again = CliRunner().invoke(cli, ["jobs", "run", "review-recurring", "--as-of", "2026-12-31"])
    assert "opened 0 cycle(s): none; 1 already open; sent 0" in again.output
    assert len(cycles(db)) == 1 and len(fake.dms_to("UALICE")) == 1


@pytest.fixture
def config() -> AppConfig:
    return AppConfig.model_validate(
        {**TEST_CONFIG, "reviews": {"recurring": [{"kind": "monthly", "open_days_before_end": 3}]}}
    )


def test_two_runs_at_once_open_one_cycle_and_send_each_dm_once(deps, org, db, fake):
    org.standard()
    job = find_job("review-recurring")
    assert job is not None
    as_of = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # Sat Nov 28 in Shanghai: 2 days to go
    summaries: list[str] = []

    def go() -> None:
        summaries.append(job.func(deps, as_of))

    threads = [threading.Thread(target=go) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    [cycle] = cycles(db)
    assert cycle.recurring_key == "monthly:2026-11" and str(cycle.due) == "2026-12-10"
    assert sum("opened 1 cycle(s): 2026-11 monthly review (8 tasks)" in s for s in summaries) == 1
    assert sum("1 already open" in s for s in summaries) == 3
    assert fake.dms_to("UALICE") == []  # a Saturday: the DMs wait for Monday
    deliver = find_job("deliver-outbox")
    assert deliver is not None
    deliver.func(deps, datetime(2026, 11, 30, 1, 0, tzinfo=UTC))  # Monday 09:00 in Shanghai
    for user in ("UALICE", "UBOB", "UXW", "UCAROL", "UEMGR", "UWMGR"):
        assert len(fake.dms_to(user)) == 1, user


def test_recurring_says_when_hr_took_its_name(env, org, db):
    org.standard()
    assert run("--name", "2026-Q4 quarterly review", *BASE[2:]).exit_code == 0
    ran = CliRunner().invoke(cli, ["jobs", "run", "review-recurring", "--as-of", "2026-12-24"])
    assert ran.output == (
        "review-recurring: opened 0 cycle(s): none; 0 already open; name taken by another "
        "cycle: 2026-Q4 quarterly review; sent 0, failed 0\n"
    )
    assert [c.recurring_key for c in cycles(db)] == [None]
