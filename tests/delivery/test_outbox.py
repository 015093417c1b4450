"""The outbox's delivery rules, in process on both databases: permanent failures, 429 pausing
the workspace for every sender, 5xx backoff, pacing reserved atomically across threads, and
workers that skip workspaces not installed and send each message once."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import update
from sqlmodel import select

from bot.core import outbox, pacing
from bot.core.config import ConfigError, Settings
from bot.core.outbox import MAX_ATTEMPTS
from bot.core.pacing import Pace
from bot.core.sender import Outgoing, Sender
from bot.core.worker import Worker
from handlers.cli import cli
from storage.models.core import Delivery
from storage.models.workspaces import SendPace
from storage.types import utcnow

TEAM = "T0001"


def queue(deps, *rows, team=TEAM):
    with deps.db.session() as s:
        deps.sender.enqueue_many(s, team, [Outgoing(k, c, t, None) for k, c, t in rows])


def rows_by_key(deps):
    with deps.db.session() as s:
        return {d.key: d for d in s.exec(select(Delivery))}


def test_permanent_failures_fail_at_once_the_rest_go_out_and_the_cli_lists_them(deps, fake):
    queue(deps, *[(f"k{i}", f"C{i}", f"message {i}") for i in range(5)])
    fake.refuse_channel("C1", "is_archived")
    fake.refuse_channel("C3", "user_not_found")
    assert deps.sender.flush(deps.db) == (3, 2)
    rows = rows_by_key(deps)
    assert {k: (r.status, r.attempts, r.last_error) for k, r in rows.items()} == {
        "k0": ("sent", 1, None),
        "k1": ("failed", 1, "is_archived"),
        "k2": ("sent", 1, None),
        "k3": ("failed", 1, "user_not_found"),
        "k4": ("sent", 1, None),
    }
    assert deps.sender.flush(deps.db) == (0, 0)  # failed for good: not tried again
    assert len(fake.messages("C1")) == 1
    with deps.db.session() as s:  # k1 failed later than k3: listed first
        s.exec(
            update(Delivery)
            .where(Delivery.key == "k1")
            .values(next_attempt_at=utcnow() + timedelta(seconds=5))
        )
    env = {"DATABASE_URL": deps.db.url}
    out = CliRunner().invoke(cli, ["deliveries", "failed"], env=env)
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].split() == ["team", "key", "channel", "attempts", "reason", "failed", "at"]
    assert [line.split()[:5] for line in lines[1:]] == [
        [TEAM, "k1", "C1", "1", "is_archived"],
        [TEAM, "k3", "C3", "1", "user_not_found"],
    ]
    out = CliRunner().invoke(cli, ["deliveries", "failed", "--team-id", "T9"], env=env)
    assert (out.exit_code, out.output) == (0, "no failed deliveries in workspace T9\n")


def test_a_429_pauses_the_workspace_for_every_sender_and_costs_no_attempt(deps, fake):
    queue(deps, ("k1", "CEAST", "first"), ("k2", "CWEST", "second"))
    fake.fail_next("chat.postMessage", status=429, retry_after=2)
    # another process's sender for the same workspace, sharing only the database
    other = Sender(deps.client, pace=Pace(channel=1.0, workspace=0.01))
    other.owner = "other-host:1:abcdef"
    rows = outbox.claim(deps.db, deps.sender.owner)
    tally = outbox.send_batch(deps.db, rows, lambda _team: deps.sender)
    assert (tally.sent, tally.failed, tally.deferred) == (0, 0, 2)  # the 429, and k2 after it
    refused_at = fake.calls_to("chat.postMessage")[0].at
    paused = pacing.paused_until(deps.db, TEAM)
    assert paused is not None and 1.5 < (paused - utcnow()).total_seconds() <= 2.1
    assert {r.status: r.attempts for r in rows_by_key(deps).values()} == {"pending": 0}
    queue(deps, ("k3", "CNORTH", "third"))  # due at once, but the workspace is paused
    assert other.flush(deps.db) == (3, 0)  # k3 at the pause's end, then k1 and k2 are due
    posts = fake.calls_to("chat.postMessage")
    assert [p.params["text"] for p in posts] == ["first", "third", "first", "second"]
    assert min(p.at for p in posts[1:]) - refused_at >= 1.9
    assert {k: (r.status, r.attempts) for k, r in rows_by_key(deps).items()} == {
        "k1": ("sent", 1),
        "k2": ("sent", 1),
        "k3": ("sent", 1),
    }


def test_a_refused_token_pauses_the_workspace_and_its_messages_wait(deps, fake, caplog):
    """The app was removed (or its token revoked): one refused post, not one per recipient;
    nothing fails for good, and all go out once the token works again."""
    queue(deps, *[(f"k{i}", f"C{i}", f"message {i}") for i in range(5)])
    fake.fail_next("chat.postMessage", status=200, error="invalid_auth", times=5)
    assert deps.sender.flush(deps.db) == (0, 0)
    assert len(fake.calls_to("chat.postMessage")) == 1
    paused = pacing.paused_until(deps.db, TEAM)
    minutes = (paused - utcnow()).total_seconds() / 60
    assert paused is not None and 14.9 < minutes <= 15
    assert {r.status: r.attempts for r in rows_by_key(deps).values()} == {"pending": 0}
    assert f"workspace {TEAM} refused the bot's token (invalid_auth)" in caplog.text
    assert deps.sender.flush(deps.db) == (0, 0)  # paused: nothing tried meanwhile
    assert len(fake.calls_to("chat.postMessage")) == 1

    fake.reset()  # reinstalled: the token works again; and the pause is over
    with deps.db.session() as s:
        s.exec(
            update(SendPace).where(SendPace.key == pacing.team_key(TEAM)).values(next_at=utcnow())
        )
        s.exec(update(Delivery).values(next_attempt_at=utcnow()))
    assert deps.sender.flush(deps.db) == (5, 0)
    assert len(fake.calls_to("chat.postMessage")) == 5
    assert {k: (r.status, r.attempts) for k, r in rows_by_key(deps).items()} == {
        f"k{i}": ("sent", 1) for i in range(5)
    }


def test_5xx_and_unreachable_slack_are_retried_with_backoff_then_fail(deps, fake):
    queue(deps, ("k1", "CEAST", "hello"))
    fake.fail_next("chat.postMessage", status=503)
    assert deps.sender.flush(deps.db) == (0, 1)
    row = rows_by_key(deps)["k1"]
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "HTTP 503")
    assert 1 < (row.next_attempt_at - utcnow()).total_seconds() <= 2  # 2 s after 1 attempt
    for attempts in range(2, MAX_ATTEMPTS + 1):
        with deps.db.session() as s:
            s.exec(
                update(Delivery).values(
                    status="sending", attempts=attempts, next_attempt_at=utcnow()
                )
            )
        status = outbox.settle(deps.db, row.id, error="ConnectionResetError: reset")
        assert status == ("failed" if attempts == MAX_ATTEMPTS else "pending")
    row = rows_by_key(deps)["k1"]
    assert (row.status, row.last_error) == ("failed", "ConnectionResetError: reset")


def test_a_busy_channel_is_deferred_without_holding_the_workspace_back(db):
    pace = Pace(channel=1.0, workspace=0.1)
    first, again, other = pacing.reserve(db, TEAM, ["CEAST", "CEAST", "CWEST"], pace)
    assert not first.deferred and not other.deferred and again.deferred
    assert abs((other.at - first.at).total_seconds() - 0.1) < 0.001  # the next workspace slot
    assert abs((again.at - first.at).total_seconds() - 1.0) < 0.001  # when CEAST is free
    [later] = pacing.reserve(db, TEAM, ["CWEST"], pace)
    assert abs((later.at - other.at).total_seconds() - 1.0) < 0.001


def test_parallel_reservations_keep_both_limits(db):
    """Eight threads reserve at once: no two slots of a channel within its interval, no two
    slots of the workspace within its interval."""
    pace = Pace(channel=0.5, workspace=0.02)
    slots: list[tuple[str, float]] = []
    lock, barrier = threading.Lock(), threading.Barrier(8)

    def reserve(n: int) -> None:
        barrier.wait()
        for round_ in range(5):
            channels = [f"C{(n * 7 + round_ * 3 + i) % 40}" for i in range(4)]
            got = pacing.reserve(db, TEAM, channels, pace)
            with lock:
                slots.extend(
                    (c, s.at.timestamp())
                    for c, s in zip(channels, got, strict=True)
                    if not s.deferred
                )

    threads = [threading.Thread(target=reserve, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(slots) >= 40  # most channels were free; busy ones were deferred
    times = sorted(at for _, at in slots)
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.02 - 1e-6
    for channel in {c for c, _ in slots}:
        mine = sorted(at for c, at in slots if c == channel)
        assert min((b - a for a, b in itertools.pairwise(mine)), default=1) >= 0.5 - 1e-6


def test_a_worker_leaves_workspaces_that_are_not_installed_alone(deps, fake):
    queue(deps, ("mine", "CEAST", "installed"))
    queue(deps, ("theirs", "CEAST", "uninstalled"), team="TGONE")
    worker = Worker(deps, owner="worker-host:1:aaaaaa")
    worker.renew()
    assert worker.step().sent == 1
    assert worker.step().sent == 0
    rows = rows_by_key(deps)
    assert (rows["mine"].status, rows["mine"].claimed_by) == ("sent", worker.owner)
    assert (rows["theirs"].status, rows["theirs"].attempts) == ("pending", 0)
    assert [c.params["text"] for c in fake.messages()] == ["installed"]


def test_two_workers_send_each_message_once_within_the_limits(deps, fake):
    limits = fake.enforce_limits(per_minute=3000, channel_interval=0.25, window=2)
    deps.sender.pace = Pace(channel=0.35, workspace=60 / 3000 * 1.02)
    queue(deps, *[(f"k{i}", f"C{i % 5}", f"message {i}") for i in range(60)])
    workers = [Worker(deps, owner=f"worker-host:{n}:bbbbbb", idle=0.05) for n in (1, 2)]
    threads = [threading.Thread(target=w.run) for w in workers]
    for thread in threads:
        thread.start()
    try:
        assert fake.wait_for(lambda: len(limits.accepted) >= 60, timeout=30)
    finally:
        for w in workers:
            w.stop()
        for thread in threads:
            thread.join(10)
    texts = [c.params["text"] for c in fake.messages() if (c.response or {}).get("ok")]
    assert sorted(texts) == sorted(f"message {i}" for i in range(60))
    assert all(w.total.sent > 0 for w in workers)  # both took a share
    assert limits.breaches() == []  # nothing was accepted faster than the limits
    # and the pacing kept the workers under them: a refusal (429) only when a send was late
    # by more than the 100 ms to spare (threads of one busy process, two shared cores)
    assert limits.refused <= 2, limits.refusals
    assert {r.status for r in rows_by_key(deps).values()} == {"sent"}


def test_a_bad_workspace_rate_is_one_clear_line(monkeypatch):
    monkeypatch.setenv("SALESPULSE_WORKSPACE_RATE", "0")
    with pytest.raises(ConfigError) as refused:
        Settings.from_env(slack_bot_token="xoxb-test")
    assert str(refused.value).startswith("SALESPULSE_WORKSPACE_RATE: ")
    monkeypatch.setenv("SALESPULSE_WORKSPACE_RATE", "6000")
    assert Settings.from_env().salespulse_workspace_rate == 6000
