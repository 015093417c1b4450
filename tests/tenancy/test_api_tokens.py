"""`salespulse api-token create|list|revoke` and the KPI API's tokens in a single-workspace
install: a token is printed once and stored only as its hash, a revoked token fails at once,
SALESPULSE_API_TOKEN keeps working, an unknown or ambiguous prefix is refused."""

from __future__ import annotations

import hashlib
import re
import threading
from datetime import UTC, datetime

import httpx
import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.core import api_tokens
from handlers.cli import cli
from storage.models.kpi import KpiFact
from storage.models.workspaces import ApiToken
from tests.conftest import API_TOKEN, TEAM

NOW = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
FACT = {"date": "2026-11-20", "user": "UALICE", "metric": "revenue", "value": "100"}


@pytest.fixture
def env(deps, fake, tmp_path, monkeypatch):
    """A single-workspace install's environment (SLACK_BOT_TOKEN names workspace T0001)."""
    for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SALESPULSE_TEAM_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", deps.db.url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake.url)
    monkeypatch.setenv("SALESPULSE_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("", encoding="utf-8")


def run(*args: str):
    return CliRunner().invoke(cli, ["api-token", *args])


def tokens(db) -> list[ApiToken]:
    with db.session() as s:
        return list(s.exec(select(ApiToken).order_by(ApiToken.id)).all())


def test_create_prints_the_token_once_and_stores_only_its_hash(env, db):
    out = run("create", "--team-id", TEAM)
    assert out.exit_code == 0, out.output
    token = out.stdout.strip()
    assert re.fullmatch(r"spk_[A-Za-z0-9_-]{40}", token)
    [row] = tokens(db)
    assert row.team_id == TEAM and row.prefix == token[:12] and row.revoked_at is None
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(row.model_dump())  # nothing stored gives the token back
    listed = run("list", "--team-id", TEAM)
    assert listed.exit_code == 0 and listed.output.startswith(token[:12])
    assert listed.output.rstrip().endswith("active") and token not in listed.output


def test_create_for_another_workspace_is_refused_with_one_line(env, db):
    out = run("create", "--team-id", "T0002")
    assert out.exit_code == 1
    assert out.output == "Error: --team-id T0002: this install serves workspace T0001 only\n"
    assert tokens(db) == []


def test_revoke_by_prefix_refuses_unknown_short_and_ambiguous_ones(env, db):
    with db.session() as s:
        for prefix in ("spk_aaaa1111", "spk_aaaa2222", "spk_bbbb3333"):
            s.add(ApiToken(team_id=TEAM, token_hash=prefix * 5 + "xxxx", prefix=prefix))
    ambiguous = run("revoke", "spk_aaaa")
    assert ambiguous.exit_code == 1
    assert "'spk_aaaa' is ambiguous: it starts spk_aaaa1111 (T0001), spk_aaaa2222 (T0001)" in (
        ambiguous.output
    )
    assert run("revoke", "spk_").exit_code == 1
    unknown = run("revoke", "spk_cccc")
    assert unknown.exit_code == 1 and "no token has this prefix" in unknown.output
    assert run("revoke", "spk_" + "x" * 40).output.startswith("Error: no such token")
    assert all(t.revoked_at is None for t in tokens(db))
    done = run("revoke", "spk_aaaa2")
    assert done.exit_code == 0 and done.output == "revoked spk_aaaa2222… of T0001\n"
    again = run("revoke", "spk_aaaa2222")
    assert again.exit_code == 0 and "was already revoked at" in again.output
    assert [t.revoked_at is not None for t in tokens(db)] == [False, True, False]
    assert "revoked " in run("list", "--team-id", TEAM).output


def test_parallel_revokes_record_one_time(deps, db):
    with db.session() as s:
        token, _ = api_tokens.create(s, TEAM, NOW)
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def revoke(i: int) -> None:
        barrier.wait()
        with db.session() as s:
            results.append(api_tokens.revoke(s, token, datetime(2026, 11, 27, i, tzinfo=UTC)).now)

    threads = [threading.Thread(target=revoke, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [False] * 7 + [True]
    [row] = tokens(db)
    assert row.revoked_at is not None


def post(server, token, facts=(FACT,)):
    return httpx.post(
        f"{server}/api/v1/kpi", json=list(facts), timeout=30,
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip


def test_the_api_takes_a_workspace_token_and_the_single_token_and_drops_a_revoked_one(
    server, org, deps, db
):
    deps.clock = lambda: NOW
    org.standard()
    with db.session() as s:
        mine, _ = api_tokens.create(s, TEAM, NOW)
        other, _ = api_tokens.create(s, "T0002", NOW)  # not this install's workspace
    assert post(server, mine).json() == {"imported": 1, "replaced": 0}
    assert post(server, API_TOKEN).json() == {"imported": 1, "replaced": 0}
    refused = post(server, other)
    assert refused.status_code == 401
    assert refused.json() == {
        "error": "unauthorized",
        "detail": "send Authorization: Bearer <SALESPULSE_API_TOKEN>",
    }
    assert post(server, mine[:-1] + ("A" if mine[-1] != "A" else "B")).status_code == 401
    with db.session() as s:
        api_tokens.revoke(s, mine[:12], NOW)
    assert post(server, mine).status_code == 401  # at once: no cache outlives a revoke
    with db.session() as s:
        assert len(s.exec(select(KpiFact)).all()) == 2
