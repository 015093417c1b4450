"""`salespulse workspace purge T…` deletes every row an uninstalled workspace left (every
table with a team_id, its pacing keys and scheduler jobs) in one transaction and touches no
other workspace; `salespulse workspace list` shows who installed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import MetaData, Table, insert, select, text
from sqlmodel import SQLModel

from bot.core.deps import Deps
from demo.seed import SeedContext, demo_config, seeds
from demo.slack_emulator import FakeSlack
from handlers.cli import cli
from storage.db import Database
from storage.models.workspaces import Installation, SendPace, WorkspaceConfig
from storage.types import utcnow
from storage.workspaces import count_rows

GONE, KEPT = "T0GONE", "T0KEPT"
TODAY = date(2026, 11, 26)


def _seed(deps: Deps, fake: FakeSlack, team_id: str, tmp: Path) -> None:
    """The demo company (people, KPIs, kudos, feedback, reviews, growth) in `team_id`."""
    ws_deps = Deps.build(deps.settings, demo_config(), team_id=team_id)
    ws_deps.db.dispose()
    ws_deps.db = deps.db
    ws_deps.sender.channel_interval = ws_deps.sender.list_interval = 0.0
    ws_deps.clock = lambda: utcnow() - timedelta(days=(date.today() - TODAY).days)
    ctx = SeedContext(deps=ws_deps, fake=fake, team_id=team_id, dir=tmp, today=TODAY)
    for seed in seeds():
        seed(ctx)


def _installed(db: Database, team_id: str, *, uninstalled: bool) -> None:
    now = utcnow()
    with db.session() as s:
        s.add(
            Installation(
                team_id=team_id,
                team_name=f"{team_id} Inc",
                bot_token=f"xoxb-{team_id}",
                uninstalled_at=now if uninstalled else None,
            )
        )
        s.add(WorkspaceConfig(team_id=team_id, toml="", source=f"{team_id}.toml"))
        for key in (f"team:{team_id}", f"channel:{team_id}:CEAST"):
            s.merge(SendPace(key=key, next_at=now))  # the seeded messages may have paced it


def _rows_by_table(db: Database, team_id: str) -> dict[str, int]:
    with db.engine.connect() as conn:
        counts = {
            t.name: conn.execute(
                select(text("count(*)")).select_from(t).where(t.c.team_id == team_id)
            ).scalar_one()
            for t in SQLModel.metadata.sorted_tables
            if "team_id" in t.c
        }
        counts["send_pacing"] = conn.execute(
            text("select count(*) from send_pacing where key like :k"), {"k": f"%{team_id}%"}
        ).scalar_one()
        counts["jobs"] = conn.execute(
            text("select count(*) from apscheduler_jobs where id like :k"), {"k": f"%@{team_id}"}
        ).scalar_one()
    return counts


def _scheduler_job(db: Database, job_id: str) -> None:
    with db.engine.begin() as conn:
        jobs = Table("apscheduler_jobs", MetaData(), autoload_with=conn)
        conn.execute(insert(jobs).values(id=job_id, next_run_time=0.0, job_state=b"x"))


@pytest.fixture
def run(deps: Deps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", deps.db.url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SALESPULSE_TEAM_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str, input: str | None = None) -> tuple[int, str]:
        result = CliRunner().invoke(cli, list(args), input=input)
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(
            result.exception
        )
        return result.exit_code, result.output

    return invoke


@pytest.fixture
def two_workspaces(deps: Deps, fake: FakeSlack, tmp_path: Path) -> Database:
    for team_id, gone in ((GONE, True), (KEPT, False)):
        _seed(deps, fake, team_id, tmp_path)
        _installed(deps.db, team_id, uninstalled=gone)
        _scheduler_job(deps.db, f"weekly-digest@{team_id}")
    return deps.db


def test_purge_deletes_every_row_of_the_workspace_and_nothing_else(two_workspaces, run) -> None:
    db = two_workspaces
    gone, kept = _rows_by_table(db, GONE), _rows_by_table(db, KEPT)
    seeded = {k for k, n in gone.items() if n}
    assert {"users", "kpi_facts", "kudos", "kudos_recipients", "feedback_asks"} <= seeded
    assert {"review_tasks", "installations", "send_pacing", "jobs"} <= seeded

    code, out = run("workspace", "purge", GONE, "--yes")
    assert code == 0, out
    assert out.startswith(f"purged {GONE}: {sum(gone.values())} rows (")
    assert f"kpi_facts {gone['kpi_facts']}" in out and f"users {gone['users']}" in out
    assert set(_rows_by_table(db, GONE).values()) == {0}
    assert _rows_by_table(db, KEPT) == kept  # the other workspace: untouched


def test_purge_refuses_an_installed_workspace_and_deletes_nothing(two_workspaces, run) -> None:
    db = two_workspaces
    before = {t: _rows_by_table(db, t) for t in (GONE, KEPT)}
    code, out = run("workspace", "purge", GONE, KEPT, "--yes")
    assert code == 1
    assert out.strip().splitlines() == [
        f"Error: {KEPT} is still installed: uninstall the app from that workspace first "
        "(nothing was deleted)"
    ]
    assert {t: _rows_by_table(db, t) for t in (GONE, KEPT)} == before  # GONE's too: one transaction


def test_purge_refuses_the_workspace_a_single_install_serves(
    two_workspaces, run, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its workspace has no installation row: the bot token says it is live."""
    db = two_workspaces
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-single")
    monkeypatch.setenv("SLACK_API_URL", fake.url)
    fake.team_id = GONE  # what auth.test answers for that token
    before = _rows_by_table(db, GONE)
    code, out = run("workspace", "purge", GONE, "--yes")
    assert code == 1
    assert out.strip() == (
        f"Error: {GONE} is the workspace this install serves (SLACK_BOT_TOKEN): stop the bot "
        "and remove the app from that workspace first (nothing was deleted)"
    )
    assert _rows_by_table(db, GONE) == before
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    monkeypatch.setenv("SALESPULSE_TEAM_ID", KEPT)  # a token-less CLI naming its workspace
    code, out = run("workspace", "purge", GONE, "--yes")
    assert code == 0 and out.startswith(f"purged {GONE}: ")


def test_purge_asks_first_and_refuses_a_bad_team_id(two_workspaces, run) -> None:
    db = two_workspaces
    before = _rows_by_table(db, GONE)
    code, out = run("workspace", "purge", GONE, input="n\n")
    assert code == 1 and f"Delete all data of {GONE} (" in out and "Aborted!" in out
    code, out = run("workspace", "purge", "acme")
    assert code == 1
    assert out.strip() == (
        "Error: 'acme' is not a workspace id: use the team id, e.g. T012AB3C4 "
        "(see `salespulse workspace list`)"
    )
    assert _rows_by_table(db, GONE) == before


def test_workspace_list_shows_installed_and_uninstalled(deps: Deps, run) -> None:
    _installed(deps.db, GONE, uninstalled=True)
    _installed(deps.db, KEPT, uninstalled=False)
    with deps.db.session() as s:
        s.delete(s.get(WorkspaceConfig, KEPT))
    code, out = run("workspace", "list")
    assert code == 0
    gone, kept = out.strip().splitlines()
    assert gone.startswith(f"{GONE}       {GONE} Inc") and "uninstalled 20" in gone
    assert gone.endswith(f"config: {GONE}.toml")
    assert kept.startswith(f"{KEPT}       {KEPT} Inc") and " installed 20" in kept
    assert kept.endswith("config: default file")


def test_count_rows_counts_every_team_table(deps: Deps) -> None:
    _installed(deps.db, GONE, uninstalled=True)
    with deps.db.session() as s:
        assert count_rows(s, GONE) == 2  # installation and config (pacing keys have no team_id)
