"""Uninstalling (app_uninstalled, tokens_revoked) stops all work for that workspace and keeps
its data; reinstalling resumes it."""

from __future__ import annotations

import time

from sqlmodel import select

from bot.core.deps import Deps
from bot.core.installations import mark_uninstalled
from bot.core.installed import GATE_SECONDS
from bot.jobs import deliver_outbox
from demo.slack_emulator import FakeSlack
from storage.db import Database
from storage.models.core import Delivery, User
from storage.models.workspaces import Installation
from storage.types import utcnow
from storage.workspaces import count_rows


def _installation(db: Database, team_id: str) -> Installation:
    with db.session() as s:
        row = s.get(Installation, team_id)
    assert row is not None
    return row


def _whoami(slack_as, fake: FakeSlack, inflight, team_id: str, user: str):  # type: ignore[no-untyped-def]
    fake.add_user(user, name=user.lower(), real_name=f"Person {user}")
    resp = slack_as(team_id).command(user, "/pulse", "whoami")
    inflight.wait_idle()
    return resp


def _queue(db: Database, team_id: str) -> None:
    with db.session() as s:
        s.add(Delivery(team_id=team_id, key=f"test:{team_id}", channel="CEAST", text="hello"))


def test_app_uninstalled_stops_commands_and_jobs_and_keeps_the_data(
    distributed_deps: Deps, fake: FakeSlack, install, slack_as, dist_inflight
) -> None:
    db = distributed_deps.db
    install("T0AAA", "xoxb-aaa")
    install("T0BBB", "xoxb-bbb")
    assert _whoami(slack_as, fake, dist_inflight, "T0AAA", "UAAA1").status_code == 200
    assert fake.team_calls("T0AAA", "users.info")
    _queue(db, "T0AAA")
    _queue(db, "T0BBB")
    rows_before = count_rows_of(db, "T0AAA")  # person, delivery, installation, config version

    resp = slack_as("T0AAA").event({"type": "app_uninstalled"})
    dist_inflight.wait_idle()
    assert resp.status_code == 200
    first = _installation(db, "T0AAA").uninstalled_at
    assert first is not None
    assert _installation(db, "T0BBB").uninstalled_at is None

    before = len(fake.calls)
    resp = _whoami(slack_as, fake, dist_inflight, "T0AAA", "UAAA2")  # a newcomer, even
    assert (resp.status_code, resp.content) == (200, b"")
    assert fake.calls[before:] == []  # no reply, no users.info, no auth.test: nothing

    summary = deliver_outbox(distributed_deps, utcnow())
    assert "T0AAA" not in summary and summary.startswith("sent 1")
    with db.session() as s:
        status = {d.team_id: d.status for d in s.exec(select(Delivery)).all()}
    assert status == {"T0AAA": "pending", "T0BBB": "sent"}  # its delivery stays unsent
    assert [c.team for c in fake.calls_to("chat.postMessage")] == ["T0BBB"]
    assert [ws.team_id for ws in distributed_deps.workspaces.installed()] == ["T0BBB"]
    assert count_rows_of(db, "T0AAA") == rows_before + 1  # everything kept (+ the event's id)

    again = slack_as("T0AAA").event({"type": "app_uninstalled"})  # a retry, or Slack again
    dist_inflight.wait_idle()
    assert again.status_code == 200
    assert _installation(db, "T0AAA").uninstalled_at == first  # idempotent


def test_an_uninstall_taken_by_another_process_is_seen_within_a_second(
    distributed_deps: Deps, fake: FakeSlack, install, slack_as, dist_inflight
) -> None:
    install("T0AAA", "xoxb-aaa")
    assert _whoami(slack_as, fake, dist_inflight, "T0AAA", "UAAA1").status_code == 200
    assert distributed_deps.workspaces.for_team("T0AAA") is not None  # cached here
    mark_uninstalled(distributed_deps.db, "T0AAA")  # another replica took the event
    time.sleep(GATE_SECONDS)
    before = len(fake.calls)
    resp = _whoami(slack_as, fake, dist_inflight, "T0AAA", "UAAA2")
    assert (resp.status_code, resp.content) == (200, b"")
    assert fake.calls[before:] == []  # not even Bolt's "installation no longer available"
    assert distributed_deps.workspaces.for_team("T0AAA") is None


def test_revoked_bot_tokens_uninstall_but_user_tokens_alone_do_not(
    distributed_deps: Deps, fake: FakeSlack, install, slack_as, dist_inflight
) -> None:
    install("T0AAA", "xoxb-aaa")
    slack_as("T0AAA").event({"type": "tokens_revoked", "tokens": {"oauth": ["UAAA1"]}})
    dist_inflight.wait_idle()
    assert _installation(distributed_deps.db, "T0AAA").uninstalled_at is None
    slack_as("T0AAA").event({"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}})
    dist_inflight.wait_idle()
    assert _installation(distributed_deps.db, "T0AAA").uninstalled_at is not None
    assert distributed_deps.workspaces.for_team("T0AAA") is None


def test_reinstalling_resumes_the_workspace_with_its_data(
    distributed_deps: Deps, fake: FakeSlack, install, slack_as, dist_inflight
) -> None:
    db = distributed_deps.db
    install("T0AAA", "xoxb-aaa")
    _whoami(slack_as, fake, dist_inflight, "T0AAA", "UAAA1")
    slack_as("T0AAA").event({"type": "app_uninstalled"})
    dist_inflight.wait_idle()
    assert _installation(db, "T0AAA").uninstalled_at is not None

    assert install("T0AAA", "xoxb-aaa-2").status_code == 200
    row = _installation(db, "T0AAA")
    assert (row.uninstalled_at, row.bot_token) == (None, "xoxb-aaa-2")
    before = len(fake.calls)
    assert _whoami(slack_as, fake, dist_inflight, "T0AAA", "UAAA1").status_code == 200
    answered = [c for c in fake.calls[before:] if c.method in ("ack", "response_url")]
    assert len(answered) == 1  # answered again; a known person: no lookup needed
    assert fake.team_calls("T0AAA", "auth.test")[-1].headers["Authorization"].endswith("-2")
    with db.session() as s:
        assert [u.slack_id for u in s.exec(select(User).where(User.team_id == "T0AAA"))] == [
            "UAAA1"
        ]


def count_rows_of(db: Database, team_id: str) -> int:
    with db.session() as s:
        return count_rows(s, team_id)
