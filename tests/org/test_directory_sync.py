"""The daily directory-sync job: pages users.list (200 a page, paced, 429s honoured), updates
Slack's language, time zone and deactivation of the people in the directory, imports
nobody else, and makes no Slack call inside a database transaction."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.core.sender import Sender
from bot.features import find_job
from bot.org import sync
from handlers.cli import cli
from storage.models.core import User

AS_OF = datetime(2026, 11, 27, 20, 41, tzinfo=UTC)
# Slack's workspace: 452 members (3 pages of 200): the bot itself, another bot and 450 people,
# five of whom are in the directory.
PEOPLE = {  # slack id -> position among Slack's members, Slack's (locale, tz, deleted)
    "UP001": (0, "en-US", "America/Los_Angeles", False),
    "UP002": (199, "zh-CN", "Asia/Shanghai", False),
    "UP003": (200, "en-GB", "Europe/London", True),  # left the company
    "UP004": (333, "zh-TW", "Asia/Taipei", False),
    "UP005": (449, "en-US", "America/New_York", False),
}


@pytest.fixture
def workspace(fake, db, deps):
    """450 Slack members, five of them in the directory with no Slack values yet, plus one
    of the directory's bots."""
    deps.sender.list_interval = 0.0  # pacing has its own test
    position = {pos: sid for sid, (pos, *_rest) in PEOPLE.items()}
    for i in range(450):
        slack_id = position.get(i, f"UX{i:04d}")
        _, locale, tz, deleted = PEOPLE.get(slack_id, (i, "ja-JP", "Asia/Tokyo", False))
        fake.add_user(
            slack_id, name=f"p{i}", real_name=f"Person {i}", locale=locale, tz=tz, deleted=deleted
        )
    fake.add_user("UBOTX", name="otherbot", real_name="Other Bot", tz="Europe/Paris", is_bot=True)
    with db.session() as session:
        for slack_id in PEOPLE:
            session.add(User(team_id="T0001", slack_id=slack_id, name=slack_id, source="org"))
        session.add(
            User(team_id="T0001", slack_id="UBOTX", name="Other Bot", is_bot=True, source="slack")
        )
    return deps


def directory(db) -> dict[str, tuple]:
    with db.session() as session:
        users = session.exec(select(User).order_by(User.slack_id)).all()
        return {
            u.slack_id: (u.slack_locale, u.slack_timezone, u.deactivated, u.is_bot, u.source)
            for u in users
        }


EXPECTED = {
    "UP001": ("en-US", "America/Los_Angeles", False, False, "org"),
    "UP002": ("zh-CN", "Asia/Shanghai", False, False, "org"),
    "UP003": ("en-US", "Europe/London", True, False, "org"),
    "UP004": ("zh-CN", "Asia/Taipei", False, False, "org"),
    "UP005": ("en-US", "America/New_York", False, False, "org"),
    "UBOTX": ("en-US", "Europe/Paris", False, True, "slack"),
}
SUMMARY = (
    "read 452 Slack accounts in 3 pages: 6 in the directory, {changed} with a new language "
    "or time zone, {off} deactivated, 0 reactivated"
)


def test_sync_pages_users_list_and_updates_the_directory_only(workspace, fake, db):
    summary = find_job("directory-sync").func(workspace, AS_OF)
    assert summary == SUMMARY.format(changed=6, off=1)
    pages = fake.calls_to("users.list")
    assert [c.params.get("cursor") for c in pages] == [None, "200", "400"]
    assert all(c.params["limit"] == "200" for c in pages)
    assert all(c.params["include_locale"] in ("1", "true", "True") for c in pages)
    assert directory(db) == EXPECTED  # nobody else imported; the bot stays a bot
    with db.session() as session:
        synced = session.exec(select(User.slack_synced_at)).all()
    assert synced == [AS_OF] * 6
    assert fake.calls_to("users.info") == []  # no per-user lookups


def test_a_second_run_changes_nothing(workspace, fake, db):
    job = find_job("directory-sync")
    job.func(workspace, AS_OF)
    with db.session() as session:
        stamps = {u.slack_id: u.updated_at for u in session.exec(select(User))}
    assert job.func(workspace, AS_OF) == SUMMARY.format(changed=0, off=0)
    assert directory(db) == EXPECTED
    with db.session() as session:
        assert {u.slack_id: u.updated_at for u in session.exec(select(User))} == stamps


def test_deactivation_moves_updated_at_and_a_return_reactivates(workspace, fake, db):
    job = find_job("directory-sync")
    with db.session() as session:
        before = session.exec(select(User).where(User.slack_id == "UP003")).one().updated_at
    job.func(workspace, AS_OF)
    with db.session() as session:  # stored rankings key on MAX(updated_at): they must redo
        assert session.exec(select(User).where(User.slack_id == "UP003")).one().updated_at > before
    fake.add_user("UP003", name="p200", locale="en-GB", tz="Europe/London")  # back
    fake.add_user("UP001", name="p0", locale="en-US", tz="America/Denver")  # moved
    summary = job.func(workspace, AS_OF)
    assert summary == (
        "read 452 Slack accounts in 3 pages: 6 in the directory, 1 with a new language or "
        "time zone, 0 deactivated, 1 reactivated"
    )
    assert directory(db)["UP003"][2] is False and directory(db)["UP001"][1] == "America/Denver"


def test_sync_makes_no_slack_call_inside_a_transaction(workspace, no_slack_in_transactions):
    find_job("directory-sync").func(workspace, AS_OF)
    assert no_slack_in_transactions == []


def test_pages_are_paced_for_tier_2(workspace, ws):
    now, sleeps = [100.0], []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    sender = Sender(ws.client, clock=lambda: now[0], sleep=sleep)
    paced = dataclasses.replace(ws, sender=sender)
    sync.sync_workspace(paced, workspace.db, AS_OF)
    assert sender.list_interval == 3.0  # about 20 pages a minute
    assert sleeps == [3.0, 3.0]  # between the 3 pages, not before the first


def test_a_429_waits_its_retry_after_and_the_sync_completes(workspace, fake, db):
    fake.fail_next("users.list", status=429, retry_after=1)
    summary = find_job("directory-sync").func(workspace, AS_OF)
    assert summary == SUMMARY.format(changed=6, off=1)
    calls = fake.calls_to("users.list")
    assert len(calls) == 4 and calls[1].at - calls[0].at >= 0.9
    assert directory(db) == EXPECTED


def test_slack_refusing_for_good_stops_with_what_was_read_kept(workspace, fake, db):
    fake.fail_next("users.list", status=429, retry_after=0, times=4)  # the client retries 3
    summary = find_job("directory-sync").func(workspace, AS_OF)
    assert summary == (
        "read 0 Slack accounts in 0 pages: 0 in the directory, 0 with a new language or time "
        "zone, 0 deactivated, 0 reactivated; stopped early: ratelimited"
    )
    assert directory(db)["UP001"][:2] == (None, None)


def test_after_a_sync_first_contact_asks_slack_nothing(workspace, slack, fake):
    find_job("directory-sync").func(workspace, AS_OF)
    slack.command("UP001", "/pulse", "whoami")
    assert fake.wait_for(lambda: fake.ephemerals("UP001"))
    assert (
        "America/Los_Angeles, from your Slack profile" in fake.ephemerals("UP001")[0].params["text"]
    )
    assert fake.calls_to("users.info") == []


def test_the_job_is_listed_and_runs_from_the_cli(fake, db, tmp_path, monkeypatch):
    fake.add_user("UP001", name="lena", locale="en-US", tz="America/Los_Angeles")
    with db.session() as session:
        session.add(User(team_id="T0001", slack_id="UP001", name="Lena", source="org"))
    config = tmp_path / "salespulse.toml"
    config.write_text('[workspace]\ndefault_locale = "en-US"\n')
    env = {
        "DATABASE_URL": db.url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": fake.url,
        "SALESPULSE_CONFIG": str(config),
        "SALESPULSE_TEAM_ID": "T0001",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    listed = CliRunner().invoke(cli, ["jobs", "list"])
    assert listed.exit_code == 0, listed.output
    [line] = [x for x in listed.output.splitlines() if x.startswith("directory-sync ")]
    assert "Slack's language, time zone and deactivation" in line
    ran = CliRunner().invoke(cli, ["jobs", "run", "directory-sync"])
    assert ran.exit_code == 0, ran.output
    assert ran.output == (
        "directory-sync: read 2 Slack accounts in 1 page: 1 in the directory, 1 with a new "
        "language or time zone, 0 deactivated, 0 reactivated\n"
    )
    assert directory(db) == {"UP001": ("en-US", "America/Los_Angeles", False, False, "org")}
