"""Outbox delivery with real `salespulse worker` processes, a fake Slack that enforces Slack's
limits (1 post/s per channel, a workspace rate) and both databases: a worker killed (-9) in
the middle of a 1,000-recipient digest, two workers side by side, and Slack answering 429
and 500 for a while. Nothing is accepted faster than the limits (the fake refuses it), and
the pacing keeps the workers under them."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlmodel import select

from storage.models.core import Delivery, SchedulerLease
from tests.delivery.support import accepted_dms, load_rows, real_digest, rep_id
from tests.support.processes import processes, wait_until

RATE = 6000  # messages per minute per workspace: 1,000 messages take 10 s at least
RECIPIENTS = 1000
SHORT = 500  # the other tests: enough to see the limits and the failures at work
# the first test also queues the session's digest (most of a minute on a busy machine)
pytestmark = pytest.mark.timeout(240)


@pytest.fixture(scope="session")
def digest(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """A 1,000-recipient weekly digest as the real digest code queues it (once a session)."""
    return real_digest(tmp_path_factory.mktemp("digest"), "T0001", RECIPIENTS)


def env(rate: int = RATE) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": "xoxb-test", "SALESPULSE_WORKSPACE_RATE": str(rate)}


def statuses(db) -> Counter[str]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return Counter(s.exec(select(Delivery.status)).all())


def test_a_worker_killed_mid_digest_is_finished_by_the_next_one(
    db_url, deps, fake, tmp_path, digest
):
    limits = fake.enforce_limits(per_minute=RATE, window=2)
    load_rows(deps.db, digest)
    with processes(tmp_path, db_url, fake.url, **env()) as procs:
        first = procs.start("worker", name="worker1")
        wait_until(lambda: len(accepted_dms(fake)) >= 300, 40, "300 digests from worker 1")
        procs.kill9(first)
        at_kill = sum(accepted_dms(fake).values())
        procs.start("worker", name="worker2")
        wait_until(
            lambda: len(accepted_dms(fake)) == RECIPIENTS, 90, "every digest after the restart"
        )
        wait_until(lambda: statuses(deps.db) == {"sent": RECIPIENTS}, 10, "all settled")
    got = accepted_dms(fake)
    assert set(got) == {rep_id(i) for i in range(RECIPIENTS)}  # every recipient...
    assert sum(got.values()) - RECIPIENTS <= 1  # ...once, but the one in flight at the kill
    assert 300 <= at_kill < RECIPIENTS
    assert limits.breaches() == []
    assert "worker stopped" not in procs.log("worker1")


def test_two_workers_side_by_side_send_each_message_once_and_keep_the_pace(
    db_url, deps, fake, tmp_path
):
    limits = fake.enforce_limits(per_minute=RATE, window=2)
    with deps.db.session() as s:  # 50 channels, 10 messages each: both limits matter
        rows = [(f"k{i}", f"C{i % 50:03d}", f"message {i}") for i in range(SHORT)]
        deps.sender.enqueue_many(s, "T0001", [_outgoing(*row) for row in rows])
    with processes(tmp_path, db_url, fake.url, **env()) as procs:
        procs.start("worker", name="worker1")
        procs.start("worker", name="worker2")
        wait_until(lambda: statuses(deps.db) == {"sent": SHORT}, 90, "all sent")
    texts = Counter(c.params["text"] for c in fake.messages() if (c.response or {}).get("ok"))
    assert texts == Counter(f"message {i}" for i in range(SHORT))  # each once
    with deps.db.session() as s:
        owners = Counter(s.exec(select(Delivery.claimed_by)).all())
    assert len(owners) == 2 and min(owners.values()) > 50  # both workers took a share
    for name in ("worker1", "worker2"):  # stopped by SIGTERM: cleanly, their leases dropped
        assert "worker stopped: " in procs.log(name)
    with deps.db.session() as s:
        assert s.exec(select(SchedulerLease)).all() == []
    assert limits.breaches() == []  # no channel got two posts within 1 s
    assert limits.refused <= 3, limits.refusals  # the pacing, not the refusals, kept it


def test_slack_answering_429_and_500_for_a_while(db_url, deps, fake, tmp_path, digest):
    limits = fake.enforce_limits(per_minute=RATE, window=2)
    load_rows(deps.db, digest[:SHORT])
    fake.fail_next("chat.postMessage", status=429, retry_after=2, times=3)
    fake.fail_next("chat.postMessage", status=500, times=30)
    with processes(tmp_path, db_url, fake.url, **env()) as procs:
        procs.start("worker", name="worker")
        wait_until(lambda: statuses(deps.db) == {"sent": SHORT}, 90, "all sent")
    got = accepted_dms(fake)
    assert set(got) == {rep_id(i) for i in range(SHORT)} and set(got.values()) == {1}
    assert limits.breaches() == []
    posts = fake.calls_to("chat.postMessage")
    first_429 = next(c.at for c in posts if (c.response or {}).get("status") == 429)
    accepted = [c.at for c in posts if (c.response or {}).get("ok")]
    assert not [at for at in accepted if first_429 < at < first_429 + 1.9]  # paused for all
    with deps.db.session() as s:
        retried = s.exec(select(Delivery).where(Delivery.attempts > 1)).all()
    assert 1 <= len(retried) <= 30 and {r.last_error for r in retried} == {None}


def _outgoing(key: str, channel: str, text: str):  # type: ignore[no-untyped-def]
    from bot.core.sender import Outgoing

    return Outgoing(key, channel, text, None)
