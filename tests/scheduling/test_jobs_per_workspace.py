"""Jobs per installed workspace: each gets its own `job@T…` jobs with its config's triggers in
its time zone; installing, uninstalling and changing a config are seen at the next sync;
a job run for one workspace touches nothing of another."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot import features
from bot.core.config import Settings
from bot.core.deps import Deps
from bot.scheduler import LeasedScheduler, Synced, make_scheduler, run_job, sync_jobs
from storage.models.core import ProcessedEvent
from storage.models.workspaces import Installation, WorkspaceConfig
from storage.types import utcnow
from tests.app.test_cli_jobs import run_cli

LA_CONFIG = """
[workspace]
timezone = "America/Los_Angeles"
[digest]
weekday = "wed"
time = "07:30"
"""


@pytest.fixture
def distributed(db, fake, config) -> Deps:
    """A distributed app with two installations: TEAST (the default config, Shanghai) and
    TWEST (its own config: Los Angeles, digest on Wednesday 07:30)."""
    settings = Settings(
        slack_client_id="cid",
        slack_client_secret="csecret",
        slack_api_url=fake.url,
        database_url=db.url,
    )
    deps = Deps.build(settings, config)
    deps.db.dispose()
    deps.db = db
    for team, token in (("TEAST", "xoxb-east"), ("TWEST", "xoxb-west")):
        fake.add_workspace(team, token)
    with db.session() as s:
        s.add(Installation(team_id="TEAST", bot_token="xoxb-east"))
        s.add(Installation(team_id="TWEST", bot_token="xoxb-west"))
        s.add(WorkspaceConfig(team_id="TWEST", toml=LA_CONFIG))
    return deps


def triggers(scheduler) -> dict[str, tuple[str, str]]:
    return {job.id: (str(job.trigger), str(job.trigger.timezone)) for job in scheduler.get_jobs()}


def test_each_workspace_gets_its_jobs_in_its_time_zone_and_config(distributed):
    scheduler = make_scheduler(distributed)
    scheduler.start(paused=True)
    try:
        n = len(features.jobs())
        assert sync_jobs(scheduler, distributed) == Synced(added=2 * n)
        found = triggers(scheduler)
        assert sorted(found) == sorted(
            f"{job.id}@{team}" for job in features.jobs() for team in ("TEAST", "TWEST")
        )
        assert found["weekly-digest@TEAST"] == (
            "cron[day_of_week='mon', hour='9', minute='0']",
            "Asia/Shanghai",
        )
        assert found["weekly-digest@TWEST"] == (
            "cron[day_of_week='wed', hour='7', minute='30']",
            "America/Los_Angeles",
        )
        # jobs without a time zone of their own run in the workspace's
        assert found["housekeeping@TWEST"][1] == "America/Los_Angeles"
        assert found["housekeeping@TEAST"][1] == "Asia/Shanghai"
        digest = scheduler.get_job("weekly-digest@TWEST").next_run_time
        local = digest.astimezone(ZoneInfo("America/Los_Angeles"))
        assert (local.weekday(), local.hour, local.minute) == (2, 7, 30)
        assert digest > datetime.now(UTC)
    finally:
        scheduler.shutdown(wait=False)


def test_config_change_install_and_uninstall_are_synced(distributed, fake):
    scheduler = make_scheduler(distributed)
    scheduler.start(paused=True)
    try:
        sync_jobs(scheduler, distributed)
        east_outbox = scheduler.get_job("deliver-outbox@TEAST").next_run_time
        with distributed.db.session() as s:  # TWEST imports a new config: digest Friday 17:00
            stored = s.get(WorkspaceConfig, "TWEST")
            stored.toml = LA_CONFIG.replace('"wed"', '"fri"').replace("07:30", "17:00")
            stored.imported_at = utcnow() + timedelta(seconds=1)
            s.add(stored)
        distributed.workspaces.forget("TWEST")
        assert sync_jobs(scheduler, distributed) == Synced(replaced=1)
        assert triggers(scheduler)["weekly-digest@TWEST"][0] == (
            "cron[day_of_week='fri', hour='17', minute='0']"
        )
        assert scheduler.get_job("deliver-outbox@TEAST").next_run_time == east_outbox

        n = len(features.jobs())
        with distributed.db.session() as s:  # TEAST uninstalls, TNEW installs
            s.get(Installation, "TEAST").uninstalled_at = utcnow()
            s.add(Installation(team_id="TNEW", bot_token="xoxb-new"))
        fake.add_workspace("TNEW", "xoxb-new")
        assert sync_jobs(scheduler, distributed) == Synced(added=n, removed=n)
        teams = {job.id.split("@")[1] for job in scheduler.get_jobs()}
        assert teams == {"TWEST", "TNEW"}
    finally:
        scheduler.shutdown(wait=False)


def old_event_ids(deps) -> dict[str, list[str]]:
    with deps.db.session() as s:
        rows = s.exec(select(ProcessedEvent)).all()
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row.team_id, []).append(row.event_id)
    return found


def seed_old_events(deps) -> None:
    with deps.db.session() as s:
        for team in ("TEAST", "TWEST"):
            when = utcnow() - timedelta(days=8)
            s.add(ProcessedEvent(event_id=f"E{team}", team_id=team, received_at=when))


def test_a_scheduled_run_is_for_its_workspace_only(distributed):
    seed_old_events(distributed)
    LeasedScheduler(distributed)  # what a scheduler process does: run_job finds these deps
    run_job("housekeeping", "TWEST")
    assert old_event_ids(distributed) == {"TEAST": ["ETEAST"]}
    with distributed.db.session() as s:  # uninstalled: its scheduled jobs do nothing
        s.get(Installation, "TEAST").uninstalled_at = utcnow()
    distributed.workspaces.forget("TEAST")
    run_job("housekeeping", "TEAST")
    assert old_event_ids(distributed) == {"TEAST": ["ETEAST"]}


def test_jobs_list_and_run_per_workspace_from_the_cli(distributed, tmp_path):
    seed_old_events(distributed)
    env = {
        "DATABASE_URL": distributed.db.url,
        "SLACK_CLIENT_ID": "cid",
        "SLACK_CLIENT_SECRET": "csecret",
        "SLACK_API_URL": distributed.settings.slack_api_url,
    }
    listed = run_cli(tmp_path, "jobs", "list", **env)
    assert listed.returncode == 0, listed.stderr
    ids = [line.split()[0] for line in listed.stdout.splitlines()]
    assert ids == [f"{job.id}@{team}" for team in ("TEAST", "TWEST") for job in features.jobs()]
    [digest] = [line for line in listed.stdout.splitlines() if line.startswith("weekly-digest@TW")]
    assert "-07:00 " in digest or "-08:00 " in digest  # next Wednesday 07:30 in Los Angeles
    assert "07:30:00" in digest

    one = run_cli(tmp_path, "jobs", "list", "--team-id", "TWEST", **env)
    assert {line.split()[0].split("@")[1] for line in one.stdout.splitlines()} == {"TWEST"}
    missing = run_cli(tmp_path, "jobs", "list", "--team-id", "TNONE", **env)
    assert missing.returncode == 1
    assert missing.stderr.strip() == "Error: workspace TNONE is not installed"

    ran = run_cli(tmp_path, "jobs", "run", "housekeeping@TWEST", **env)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "housekeeping: forgot 1 processed event ids and 0 claims"
    assert old_event_ids(distributed) == {"TEAST": ["ETEAST"]}
    clash = run_cli(tmp_path, "jobs", "run", "housekeeping@TWEST", "--team-id", "TEAST", **env)
    assert clash.returncode == 1
    assert clash.stderr.strip() == (
        "Error: housekeeping@TWEST and --team-id TEAST: give one workspace"
    )
    gone = run_cli(tmp_path, "jobs", "run", "housekeeping@TNONE", **env)
    assert gone.returncode == 1
    assert gone.stderr.strip().splitlines()[-1] == "Error: workspace TNONE is not installed"
    assert old_event_ids(distributed) == {"TEAST": ["ETEAST"]}  # neither changed anything
    both = run_cli(tmp_path, "jobs", "run", "housekeeping", **env)
    assert both.stdout.strip() == (
        "housekeeping: TEAST: forgot 1 processed event ids and 0 claims; "
        "TWEST: forgot 0 processed event ids and 0 claims"
    )
