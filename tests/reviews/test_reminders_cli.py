"""`salespulse jobs run review-reminders --as-of X`: X a date (the end of that day, workspace
time) or an ISO 8601 instant with offset; a bad X is one clear line."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from handlers.cli import cli
from storage.models.reviews import ReviewCycle
from tests.support.reviews import start_cycle


@pytest.fixture
def env(deps, fake, org, tmp_path, monkeypatch):
    org.standard()
    start_cycle(deps.db, org.team_id, teams=("west",), due=date(2026, 12, 29))
    with deps.db.session() as s:
        s.exec(update(ReviewCycle).values(created_at=datetime(2026, 11, 1, tzinfo=UTC)))
    config = tmp_path / "salespulse.toml"
    config.write_text('[workspace]\ndefault_locale = "en-US"\n')
    for name, value in {
        "DATABASE_URL": deps.db.url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": fake.url,
        "SALESPULSE_CONFIG": str(config),
    }.items():
        monkeypatch.setenv(name, value)


def run(*args: str):
    return CliRunner().invoke(cli, ["jobs", "run", *args])


def test_an_instant_with_offset(env, fake):
    early = run("review-reminders", "--as-of", "2026-12-22T09:50+08:00")
    assert early.exit_code == 0, early.output
    assert fake.messages() == []
    out = run("review-reminders", "--as-of", "2026-12-22T10:05+08:00")
    assert out.exit_code == 0, out.output
    assert "review-reminders: 2 people with open tasks; queued 2; sent 2, failed 0" in out.output
    assert {c.params["channel"] for c in fake.messages()} == {"DUCAROL", "DUWMGR"}
    again = run("review-reminders", "--as-of", "2026-12-22T10:35+08:00")
    assert "queued 0; sent 0" in again.output


def test_a_date_is_the_end_of_that_day_and_quiet_hours_hold_the_dm(env, fake):
    out = run("review-reminders", "--as-of", "2026-12-22")  # 23:59:59 in Shanghai
    assert out.exit_code == 0, out.output
    assert "queued 2; sent 0" in out.output  # due today, but it is night now: at 08:00
    assert fake.messages() == []
    morning = run("deliver-outbox", "--as-of", "2026-12-23T08:00+08:00")
    assert "sent 2, failed 0" in morning.output
    assert len(fake.dms_to("UCAROL")) == 1


@pytest.mark.parametrize("bad", ["tomorrow", "2026-13-01", "2026-12-22T10:05"])
def test_a_bad_as_of_is_one_clear_line(env, fake, bad):
    out = run("review-reminders", "--as-of", bad)
    assert out.exit_code != 0
    assert out.output.strip().splitlines() == [
        f"Error: --as-of {bad!r}: use a date (2026-12-28: the end of that day, workspace time) "
        "or an ISO 8601 instant with offset (2026-12-28T10:05+08:00)"
    ]
    assert fake.messages() == []
