"""Two installed workspaces on one deployment: nothing one does is visible to the other.

Both have people with the SAME Slack user ids (UALICE, UBOB, …) in sales teams of the same
names (east, west), and different data (conftest: Alice's November revenue is ¥180,001 in T1,
¥55,555 in T2). Commands, App Homes, the weekly digest, exports and the KPI API each act for
one workspace, through that workspace's own token (`Call.team` on every recorded call)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import httpx
from click.testing import CliRunner
from sqlmodel import select

from bot.core import api_tokens
from bot.features import find_job
from demo.slack_requests import SlackRequests
from handlers.cli import cli
from storage.models.feedback import Feedback, Kudos
from storage.models.kpi import KpiConfigVersion, KpiFact
from storage.models.workspaces import Installation
from tests.conftest import SIGNING_SECRET
from tests.support.feedback import dump, open_and_submit
from tests.support.slack import all_text
from tests.tenancy.conftest import NOW, T1, T2

MONDAY = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai: covers week 48
WEB_METHODS_WITHOUT_TOKEN = {"response_url", "ack"}  # Slack's hooks and HTTP answers


def only_own_tokens(fake) -> dict[str, int]:
    """Every Web API call was made with one of the two workspaces' tokens: {team: calls}."""
    teams: dict[str, int] = {}
    for call in fake.calls:
        if call.method in WEB_METHODS_WITHOUT_TOKEN:
            continue
        assert call.team in (T1, T2), f"{call.method} made without a workspace's token"
        teams[call.team] = teams.get(call.team, 0) + 1
    return teams


def replies(fake, user):
    return [c for c in fake.ephemerals(user)]


def ask(slack, fake, user, command, text=""):
    before = len(replies(fake, user))
    slack.command(user, command, text)
    assert fake.wait_for(lambda: len(replies(fake, user)) > before), fake.calls
    return all_text(replies(fake, user)[before].params)


def test_kpi_command_answers_from_its_own_workspace(two_workspaces, slack_of, fake):
    one = ask(slack_of[T1], fake, "UALICE", "/kpi")
    two = ask(slack_of[T2], fake, "UALICE", "/kpi")
    assert "*Composite score: 106.7%*" in one and "¥180,001 of ¥200,000" in one
    assert "55,555" not in one
    assert "*Composite score: 11.1%*" in two and "¥55,555 of ¥200,000" in two
    assert "180,001" not in two
    # the team ranking: each workspace ranks its own people only
    east_one = ask(slack_of[T1], fake, "UALICE", "/kpi", "team")
    east_two = ask(slack_of[T2], fake, "UALICE", "/kpi", "team")
    assert "106.7%" in east_one and "106.7%" not in east_two and "11.1%" in east_two
    only_own_tokens(fake)


def home(slack, fake, team, user):
    """Open `user`'s App Home in `team`: the view published with that team's token."""
    mine = lambda: [  # noqa: E731
        c for c in fake.team_calls(team, "views.publish") if c.params.get("user_id") == user
    ]
    before = len(mine())
    slack.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": "D" + user})
    assert fake.wait_for(lambda: len(mine()) > before), fake.calls
    return all_text(mine()[-1].params["view"])


def test_app_homes_show_only_their_workspaces_numbers(two_workspaces, slack_of, fake):
    one = home(slack_of[T1], fake, T1, "UALICE")
    two = home(slack_of[T2], fake, T2, "UALICE")
    assert "*Composite score: 106.7%*" in one and "¥180,001" in one and "55,555" not in one
    assert "*Composite score: 11.1%*" in two and "¥55,555" in two and "180,001" not in two
    # a manager's overview of the same-named team: that workspace's people and scores only
    mgr_one = home(slack_of[T1], fake, T1, "UEMGR")
    mgr_two = home(slack_of[T2], fake, T2, "UEMGR")
    assert "106.7%" in mgr_one and "106.7%" not in mgr_two and "11.1%" in mgr_two
    assert len(fake.team_calls(T1, "views.publish")) == 2
    assert len(fake.team_calls(T2, "views.publish")) == 2
    only_own_tokens(fake)


def test_kudos_in_one_workspace_reach_only_its_people(two_workspaces, slack_of, fake, db):
    reply = ask(slack_of[T1], fake, "UALICE", "/kudos", "<@UBOB> nailed the T1 demo #teamwork")
    assert "Kudos posted for" in reply
    assert fake.wait_for(lambda: any(c.team == T1 for c in fake.dms_to("UBOB")))
    [card] = fake.messages("CRECOG")
    assert card.team == T1 and "nailed the T1 demo" in card.params["text"]
    assert [c.team for c in fake.dms_to("UBOB")] == [T1]
    assert fake.team_calls(T2, "chat.postMessage") == []
    with db.session() as s:
        assert [k.team_id for k in s.exec(select(Kudos)).all()] == [T1]
    assert "You received *1* kudos this month." in home(slack_of[T1], fake, T1, "UBOB")
    bob_two = home(slack_of[T2], fake, T2, "UBOB")
    assert "*1* kudos" not in bob_two and "nailed the T1 demo" not in bob_two
    only_own_tokens(fake)


def test_feedback_in_one_workspace_is_invisible_in_the_other(two_workspaces, slack_of, fake, db):
    open_and_submit(
        slack_of[T2], fake, "UBOB",
        recipients=["UALICE"], kind="praise", visibility="private", text="T2 secret praise",
    )  # fmt: skip
    assert fake.wait_for(lambda: "T2 secret praise" in dump(fake.dms_to("UALICE")))
    assert {c.team for c in fake.views("open")} == {T2}
    assert {c.team for c in fake.dms_to("UALICE")} == {T2}
    with db.session() as s:
        assert [f.team_id for f in s.exec(select(Feedback)).all()] == [T2]
    listed_one = ask(slack_of[T1], fake, "UALICE", "/feedback", "list")
    listed_two = ask(slack_of[T2], fake, "UALICE", "/feedback", "list")
    assert "T2 secret praise" in listed_two and "T2 secret praise" not in listed_one
    assert "T2 secret praise" not in home(slack_of[T1], fake, T1, "UALICE")
    assert "T2 secret praise" not in home(slack_of[T1], fake, T1, "UEMGR")
    # T2's feedback id in a button pressed in T1, by the person of the same Slack id there
    with db.session() as s:
        [fb] = s.exec(select(Feedback)).all()
    pressed, bob_dms = len(replies(fake, "UALICE")), len(fake.dms_to("UBOB"))
    slack_of[T1].block_action("UALICE", "feedback_thanks", str(fb.id), channel_id="DUALICE")
    assert fake.wait_for(lambda: len(replies(fake, "UALICE")) > pressed)
    assert (
        all_text(replies(fake, "UALICE")[pressed].params)
        == "Sorry, you don't have permission to do that."
    )
    with db.session() as s:
        assert s.get(Feedback, fb.id).ack is None  # refused: nothing changed
    assert len(fake.dms_to("UBOB")) == bob_dms  # the giver is told nothing
    slack_of[T2].block_action("UALICE", "feedback_thanks", str(fb.id), channel_id="DUALICE")
    assert fake.wait_for(lambda: len(fake.dms_to("UBOB")) == bob_dms + 1)
    assert "thanks" in dump(fake.dms_to("UBOB")[-1:]).lower()
    assert fake.dms_to("UBOB")[-1].team == T2
    with db.session() as s:
        assert s.get(Feedback, fb.id).ack == "thanks"
    only_own_tokens(fake)


def test_weekly_digest_gives_each_workspace_its_own_numbers_through_its_own_token(
    two_workspaces, fake, db
):
    deps = two_workspaces.deps
    deps.clock = lambda: MONDAY
    summary = find_job("weekly-digest").func(deps, MONDAY)
    assert summary.startswith(f"{T1}: ") and f"; {T2}: " in summary
    by_team = {team: fake.team_calls(team, "chat.postMessage") for team in (T1, T2)}
    for team, calls in by_team.items():
        dm = [all_text(c.params) for c in calls if c.params["channel"] == "DUALICE"]
        assert len(dm) == 1, (team, dm)
        if team == T1:
            assert "¥180,001 of ¥200,000" in dm[0] and "55,555" not in dm[0]
        else:
            assert "¥55,555 of ¥200,000" in dm[0] and "180,001" not in dm[0]
        [east] = [all_text(c.params) for c in calls if c.params["channel"] == "CEAST"]
        assert ("106.7%" in east) == (team == T1) and ("11.1%" in east) == (team == T2)
    # the same reps in both: each got exactly one digest per workspace, from that workspace
    for rep in ("UALICE", "UBOB", "UXW", "UCAROL"):
        assert sorted(c.team for c in fake.dms_to(rep)) == [T1, T2]
    for nobody in ("UEMGR", "UWMGR", "UDIR", "UHR"):
        assert fake.dms_to(nobody) == []
    uploads = {c.team for c in fake.calls_to("files.completeUploadExternal")}
    assert uploads == {T1, T2}
    teams = only_own_tokens(fake)
    assert set(teams) == {T1, T2}
    # a second run sends nothing more in either workspace
    calls = len(fake.calls)
    find_job("weekly-digest").func(deps, MONDAY)
    assert len(fake.calls_to("chat.postMessage")) == sum(map(len, by_team.values()))
    assert len(fake.calls) >= calls


def _export(tmp_path, team_id: str) -> dict[str, dict[str, str]]:
    out = tmp_path / f"kpi-{team_id}.csv"
    result = CliRunner().invoke(
        cli,
        ["export", "kpi", "--period", "2026-11", "--format", "csv", "--output", str(out),
         "--team-id", team_id],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig", newline="") as f:
        return {row["slack_id"]: row for row in csv.DictReader(f)}


def test_exports_hold_only_the_named_workspaces_rows(two_workspaces, cli_env, tmp_path):
    one, two = _export(tmp_path, T1), _export(tmp_path, T2)
    assert one["UALICE"]["revenue_actual"] == "180001"
    assert two["UALICE"]["revenue_actual"] == "55555"
    assert sorted(one) == ["UALICE", "UBOB", "UCAROL", "UXW"]
    assert sorted(two) == sorted(one)  # the same people (they have targets in both)
    assert {r: two[r]["composite"] for r in two} == {
        "UALICE": "0.111", "UBOB": "0.000", "UCAROL": "0.000", "UXW": "0.000"
    }  # fmt: skip
    assert one["UALICE"]["composite"] == "1.067" and one["UCAROL"]["revenue_actual"] == "50000"
    missing = CliRunner().invoke(
        cli, ["export", "kpi", "--period", "2026-11", "--format", "csv",
              "--output", str(tmp_path / "x.csv"), "--team-id", "T9"],
    )  # fmt: skip
    assert missing.exit_code != 0 and not (tmp_path / "x.csv").exists()
    assert "--team-id T9: not an installed workspace (installed: T1, T2)" in missing.output


def _facts(db) -> dict[str, list[tuple[int, int]]]:
    with db.session() as s:
        rows = s.exec(select(KpiFact)).all()
    found: dict[str, list[tuple[int, int]]] = {}
    for f in rows:
        found.setdefault(f.team_id, []).append((f.user_id, f.value))
    return found


def post(server, token, facts):
    return httpx.post(
        f"{server}/api/v1/kpi", json=facts, timeout=30,
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip


def test_an_api_token_writes_its_own_workspace_only(two_workspaces, multi_server, db):
    with db.session() as s:
        token_one, _ = api_tokens.create(s, T1, NOW)
    before = _facts(db)
    fact = {"date": "2026-11-20", "user": "UALICE", "metric": "revenue", "value": "777"}
    resp = post(multi_server, token_one, [fact])
    assert resp.status_code == 200 and resp.json() == {"imported": 1, "replaced": 0}
    after = _facts(db)
    alice_one = two_workspaces.people[T1]["alice"].id
    assert len(after[T1]) == len(before[T1]) + 1 and (alice_one, 777_000_000) in after[T1]
    assert after[T2] == before[T2]  # the same Slack user id in T2: untouched
    # T2's ref sent with T1's token is a new T1 fact, never a replacement of T2's
    resp = post(multi_server, token_one, [{**fact, "value": "1", "ref": "t2-crm-1"}])
    assert resp.json() == {"imported": 1, "replaced": 0}
    assert _facts(db)[T2] == before[T2]
    # the single-install token means nothing to a distributed app; a revoked token, at once
    assert post(multi_server, "test-api-token", [fact]).status_code == 401
    with db.session() as s:
        api_tokens.revoke(s, token_one, NOW)
    refused = post(multi_server, token_one, [fact])
    assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"
    assert len(_facts(db)[T1]) == len(before[T1]) + 2


T2_CONFIG = """
[workspace]
timezone = "America/New_York"
default_locale = "en-US"

[teams.east]
channel = "CEAST"

[teams.west]
channel = "CWEST"

[[metrics]]
key = "calls"
label_en = "Calls made"
label_zh = "电话数"
unit = "count"
weight = 1.0
"""


def test_a_config_imported_for_one_workspace_changes_that_workspace_only(
    two_workspaces, cli_env, slack_of, fake, db, tmp_path
):
    deps = two_workspaces.deps
    bad = tmp_path / "bad.toml"
    bad.write_text('[workspace]\ntimezone = "Mars/Base"\n', encoding="utf-8")
    refused = CliRunner().invoke(cli, ["config", "import", "--team-id", T1, str(bad)])
    assert refused.exit_code == 1
    assert refused.output.strip().splitlines() == [
        f"Error: {bad}: [workspace.timezone] unknown time zone 'Mars/Base' "
        "(use an IANA name such as Asia/Shanghai)"
    ]
    good = tmp_path / "t2.toml"
    good.write_text(T2_CONFIG, encoding="utf-8")
    stored = CliRunner().invoke(cli, ["config", "import", "--team-id", T2, str(good)])
    assert stored.exit_code == 0, stored.output
    assert "metrics: 1 (calls)" in stored.output and "teams: 2" in stored.output
    assert "time zone: America/New_York" in stored.output
    assert "KPI scheme: changed" in stored.output
    with db.session() as s:
        versions = s.exec(select(KpiConfigVersion.team_id)).all()
    assert sorted(versions) == [T1, T2, T2]  # T2's scheme change is dated at import
    shown = CliRunner().invoke(cli, ["config", "show", "--team-id", T1])
    assert shown.output == f"{T1} has no config of its own: it uses the default file {cli_env}\n"
    shown = CliRunner().invoke(cli, ["config", "show", "--team-id", T2])
    assert shown.output.startswith(f"# the config of {T2}, imported from t2.toml at ")
    assert T2_CONFIG.strip() in shown.output

    deps.workspaces.forget(T2)  # as every process does within its cache time
    one, two = deps.workspaces.for_team(T1), deps.workspaces.for_team(T2)
    assert one is not None and two is not None
    assert [m.key for m in two.config.metrics] == ["calls"]
    assert two.config.workspace.timezone == "America/New_York"
    assert one.config == deps.config  # T1: still the default file's
    # T2's API takes its own metrics now; T1's still refuses them
    with db.session() as s:
        token_one, _ = api_tokens.create(s, T1, NOW)
        token_two, _ = api_tokens.create(s, T2, NOW)
    calls = {"date": "2026-11-20", "user": "UALICE", "metric": "calls", "value": "12"}
    assert post(multi_server_of(slack_of), token_two, [calls]).status_code == 200
    assert post(multi_server_of(slack_of), token_one, [calls]).status_code == 422
    kpi_one = ask(slack_of[T1], fake, "UALICE", "/kpi")
    kpi_two = ask(slack_of[T2], fake, "UALICE", "/kpi")
    assert "Revenue" in kpi_one and "¥180,001" in kpi_one and "Calls made" not in kpi_one
    assert "*Calls made*" in kpi_two and "12" in kpi_two and "Revenue" not in kpi_two
    # its time zone: at 04:00 UTC on Nov 26 it is still Nov 25 in New York, Nov 26 in Shanghai
    today = {"date": "2026-11-26", "user": "UALICE", "value": "1"}
    late = post(multi_server_of(slack_of), token_two, [{**today, "metric": "calls"}])
    assert late.status_code == 422 and "future" in str(late.json()["errors"])
    on_time = post(multi_server_of(slack_of), token_one, [{**today, "metric": "revenue"}])
    assert on_time.status_code == 200


def multi_server_of(slack_of) -> str:
    return slack_of[T1].events_url.removesuffix("/slack/events")


def test_a_workspace_that_is_not_installed_causes_nothing(
    two_workspaces, multi_inflight, slack_of, fake, db
):
    server, inflight = multi_inflight
    stranger = SlackRequests(
        f"{server}/slack/events", SIGNING_SECRET, team_id="T3", response_url=fake.response_url
    )
    with db.session() as s:
        s.get(Installation, T2).uninstalled_at = NOW  # type: ignore[union-attr]
    two_workspaces.deps.workspaces.forget(T2)  # as every process does within its cache time
    try:
        for client in (stranger, slack_of[T2]):
            resp = client.command("UALICE", "/kudos", "<@UBOB> thanks")
            assert resp.status_code in (200, 401) and "Kudos" not in resp.text
            client.event({"type": "app_home_opened", "user": "UALICE", "tab": "home"})
    finally:
        stranger.close()
    inflight.wait_idle()
    # No Web API call with any token, and no reply either: the uninstalled gate drops the
    # request before Bolt's authorize (handlers/installs.py).
    assert fake.calls == []
    with db.session() as s:
        assert s.exec(select(Kudos)).all() == []
