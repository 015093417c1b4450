"""`salespulse config import|show` in a single-workspace install: validated exactly as the
SALESPULSE_CONFIG file, a bad file changes nothing, the stored config wins over the file for
its workspace (seen by the running app within seconds), two imports at once leave one whole."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import httpx
import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.core.stored_config import store
from handlers.cli import cli
from storage.models.kpi import KpiConfigVersion
from storage.models.workspaces import WorkspaceConfig
from tests.conftest import API_TOKEN, TEAM
from tests.support.slack import all_text, reply_to

CALLS = """
[workspace]
timezone = "Europe/Berlin"
default_locale = "en-US"

[[metrics]]
key = "calls"
label_en = "Calls made"
label_zh = "电话数"
unit = "count"
"""


@pytest.fixture
def env(deps, fake, tmp_path, monkeypatch):
    for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SALESPULSE_TEAM_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", deps.db.url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake.url)
    monkeypatch.delenv("SALESPULSE_CONFIG", raising=False)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli, ["config", *args])


def stored_rows(db):
    with db.session() as s:
        configs = s.exec(select(WorkspaceConfig)).all()
        versions = s.exec(select(KpiConfigVersion)).all()
    return list(configs), list(versions)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b'[workspace]\ntimezone = "Mars/Base"\n',
         "[workspace.timezone] unknown time zone 'Mars/Base' (use an IANA name such as Asia/Shanghai)"),
        (b"[workspace\n", "not valid TOML: "),
        (b"[[metrics]]\nkey = \"x\"\nbanana = 1\n", "[metrics.0.label_en] "),
        ("[workspace]\ntimezone = '上海'\n".encode("gbk"), "not UTF-8 text (save it as UTF-8)"),
    ],
)  # fmt: skip
def test_a_bad_file_is_one_line_and_changes_nothing(env, db, content, problem):
    bad = env / "bad.toml"
    bad.write_bytes(content)
    out = run("import", "--team-id", TEAM, str(bad))
    assert out.exit_code == 1
    [line] = out.output.splitlines()
    assert line.startswith(f"Error: {bad}: ") and problem in line
    assert stored_rows(db) == ([], [])


def test_a_missing_file_or_another_workspace_is_refused(env, db):
    missing = run("import", "--team-id", TEAM, str(env / "nope.toml"))
    assert (
        missing.exit_code == 1 and missing.output == f"Error: {env / 'nope.toml'}: no such file\n"
    )
    good = env / "calls.toml"
    good.write_text(CALLS, encoding="utf-8")
    other = run("import", "--team-id", "T0002", str(good))
    assert other.exit_code == 1
    assert other.output == "Error: --team-id T0002: this install serves workspace T0001 only\n"
    assert stored_rows(db) == ([], [])


def test_import_show_and_replace(env, db, deps):
    good = env / "calls.toml"
    good.write_text(CALLS, encoding="utf-8")
    assert run("show", "--team-id", TEAM).output == (
        f"{TEAM} has no config of its own: it uses the built-in defaults\n"
    )
    out = run("import", "--team-id", TEAM, str(good))
    assert out.exit_code == 0, out.output
    assert out.output.splitlines() == [
        f"stored the config of {TEAM} from {good}",
        "  metrics: 1 (calls)",
        "  teams: 0",
        "  time zone: Europe/Berlin, language: en-US",
        "  KPI scheme: changed, in force from now on",
    ]
    again = run("import", "--team-id", TEAM, str(good))
    assert again.output.splitlines()[-1] == "  KPI scheme: unchanged"
    configs, versions = stored_rows(db)
    assert [(c.team_id, c.source, c.toml) for c in configs] == [(TEAM, "calls.toml", CALLS)]
    assert [v.team_id for v in versions] == [TEAM]
    shown = run("show", "--team-id", TEAM).output
    assert shown.startswith(f"# the config of {TEAM}, imported from calls.toml at 20")
    assert shown.endswith(CALLS.strip() + "\n")


def test_the_stored_config_wins_over_the_file_for_the_single_workspace(deps, db, slack, fake, org):
    org.standard()
    file_config = deps.config
    assert [m.key for m in deps.workspace().config.metrics] == [m.key for m in file_config.metrics]
    with db.session() as s:
        store(s, TEAM, CALLS, "calls.toml", datetime.now(UTC))
    deps.workspaces.configs.forget(TEAM)  # what CHECK_SECONDS does in a running process
    ws = deps.workspace()
    assert [m.key for m in ws.config.metrics] == ["calls"]
    assert ws.config.workspace.timezone == "Europe/Berlin"
    assert deps.config is file_config  # the file's config is still the default
    deps.clock = lambda: datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
    api = slack.events_url.replace("/slack/events", "/api/v1/kpi")
    fact = {"date": "2026-11-20", "user": "UALICE", "metric": "calls", "value": "12"}
    written = httpx.post(api, json=[fact], headers={"Authorization": f"Bearer {API_TOKEN}"})
    assert written.json() == {"imported": 1, "replaced": 0}  # the API knows "calls" now
    slack.command("UALICE", "/kpi", "")
    reply = all_text(reply_to(fake, "UALICE")[0])
    assert "*Calls made*" in reply and "Revenue" not in reply


def test_the_stored_config_is_read_at_most_every_few_seconds(deps, db, monkeypatch):
    """The ack path: one read per CHECK_SECONDS, not one per request."""
    statements: list[str] = []
    from sqlalchemy import event

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if "workspace_configs" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for _ in range(50):
            deps.workspaces.for_team(TEAM)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1


def test_two_imports_at_once_leave_one_whole(deps, db):
    texts = [CALLS, CALLS.replace("Europe/Berlin", "Asia/Tokyo")]
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def one(i: int) -> None:
        barrier.wait()
        try:
            with db.session() as s:
                store(s, TEAM, texts[i % 2], f"file{i % 2}.toml", datetime.now(UTC))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    [row] = stored_rows(db)[0]
    assert (row.source, row.toml) in {("file0.toml", texts[0]), ("file1.toml", texts[1])}
