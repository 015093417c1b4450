"""The workspace context: one installed workspace, known once per process; jobs work for the
installed workspaces only; the metric config is recorded at startup, not at registration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.core.deps import Deps
from bot.feedback import requests as feedback_requests
from handlers.app import build_app
from handlers.cli_support import on_startup
from storage.models.feedback import FeedbackAsk
from storage.models.kpi import KpiConfigVersion
from tests.support.builders import Org


def test_the_workspace_is_asked_of_slack_once(deps: Deps, fake) -> None:
    deps.team_id = None  # as `serve` before its start check
    assert [ws.team_id for ws in deps.workspaces.installed()] == ["T0001"]
    assert deps.workspaces.for_team("T0001") is not None
    assert deps.workspaces.for_team("T0002") is None
    deps.workspace()
    assert len(fake.calls_to("auth.test")) == 1


def test_reminders_touch_only_the_installed_workspace(deps: Deps, org: Org, fake) -> None:
    t0 = datetime(2026, 11, 2, tzinfo=UTC)
    deps.clock = lambda: t0
    people = org.standard()
    other = Org(deps.db, fake, "T0002")
    stranger, peer = other.person("US1", "Stranger One"), other.person("US2", "Peer Two")
    with deps.db.session() as s:
        feedback_requests.create_request(
            deps.workspace(), s, requester=people["alice"], peers=[people["bob"]],
            subject=None, topic=None,
        )  # fmt: skip
        s.add(FeedbackAsk(team_id="T0002", request_id=1, peer_id=peer.id, created_at=t0))
    summary = feedback_requests.remind_and_expire(deps, t0 + timedelta(days=30))
    assert summary.startswith("reminded 0, expired 1")
    with deps.db.session() as s:
        statuses = {a.team_id: a.status for a in s.exec(select(FeedbackAsk)).all()}
    assert statuses == {"T0001": "expired", "T0002": "open"}  # another workspace's: untouched
    assert stranger.team_id == "T0002"


def test_metric_config_is_recorded_at_startup_not_registration(deps: Deps) -> None:
    build_app(deps)
    with deps.db.session() as s:
        assert s.exec(select(KpiConfigVersion)).all() == []
    on_startup(deps)
    with deps.db.session() as s:
        assert [v.team_id for v in s.exec(select(KpiConfigVersion)).all()] == ["T0001"]
