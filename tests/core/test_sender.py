"""The one sender: outbox exactly-once, retry of failed recipients, 429 handling, pacing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import select

from bot.core.sender import Sender
from storage.models.core import Delivery, SchedulerLease
from storage.types import utcnow


def enqueue(deps, key, channel, text="hi"):
    with deps.db.session() as s:
        return deps.sender.enqueue(s, "T0001", key, channel, text, None)


def test_same_key_is_delivered_once(deps, fake):
    assert enqueue(deps, "digest:2026-W48:UALICE", "UALICE", "week 48") is not None
    assert enqueue(deps, "digest:2026-W48:UALICE", "UALICE", "week 48 again") is None
    assert deps.sender.flush(deps.db) == (1, 0)
    assert deps.sender.flush(deps.db) == (0, 0)
    dms = fake.dms_to("UALICE")
    assert [c.params["text"] for c in dms] == ["week 48"]


def test_failed_recipient_does_not_stop_others_and_is_retried(deps, fake):
    enqueue(deps, "k1", "CFAIL", "to a broken channel")
    enqueue(deps, "k2", "CGOOD", "to a good channel")
    fake.fail_next("chat.postMessage", status=500)
    assert deps.sender.flush(deps.db) == (1, 1)
    assert [c.params["text"] for c in fake.messages("CGOOD")] == ["to a good channel"]
    with deps.db.session() as s:
        failed = s.exec(select(Delivery).where(Delivery.key == "k1")).one()
        assert (failed.status, failed.attempts, failed.last_error) == ("pending", 1, "HTTP 500")
        failed.next_attempt_at = utcnow() - timedelta(seconds=1)  # backoff elapsed
        s.add(failed)
    assert deps.sender.flush(deps.db) == (1, 0)
    # two attempts reached Slack: the refused one and the retry
    assert [c.params["text"] for c in fake.messages("CFAIL")] == ["to a broken channel"] * 2
    with deps.db.session() as s:
        row = s.exec(select(Delivery).where(Delivery.key == "k1")).one()
        assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)
    assert deps.sender.flush(deps.db) == (0, 0)


def test_rate_limited_post_is_retried_after_retry_after(deps, fake):
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    ts = deps.sender.post("CEAST", "after a 429")
    assert ts
    posts = fake.calls_to("chat.postMessage")
    assert len(posts) == 2
    assert posts[1].at - posts[0].at >= 0.9  # waited for Retry-After


def test_posts_to_one_channel_are_paced(deps):
    clock = {"now": 100.0}
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock["now"] += seconds

    sender = Sender(deps.client, channel_interval=1.0, clock=lambda: clock["now"], sleep=sleep)
    for _ in range(3):
        sender.post("CEAST", "x")
    sender.post("CWEST", "y")  # another channel isn't held back
    assert slept == [1.0, 1.0]


def test_dm_channel_is_opened_once_per_user(deps, fake):
    deps.sender.post("UBOB", "one")
    deps.sender.post("UBOB", "two")
    assert len(fake.calls_to("conversations.open")) == 1
    assert [c.params["text"] for c in fake.dms_to("UBOB")] == ["one", "two"]


def test_concurrent_flushes_send_each_delivery_once(deps, fake):
    import threading

    for i in range(10):
        enqueue(deps, f"k{i}", f"C{i}", f"message {i}")
    barrier = threading.Barrier(3)
    totals: list[tuple[int, int]] = []

    def flush() -> None:
        barrier.wait()
        totals.append(deps.sender.flush(deps.db))

    threads = [threading.Thread(target=flush) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sum(sent for sent, _ in totals) == 10
    assert sorted(c.params["text"] for c in fake.messages()) == sorted(
        f"message {i}" for i in range(10)
    )


def test_claim_abandoned_by_a_dead_process_is_retried_after_its_lease(deps, fake):
    enqueue(deps, "k1", "CEAST", "survives a crash")
    with deps.db.session() as s:
        row = s.exec(select(Delivery).where(Delivery.key == "k1")).one()
        row.status, row.attempts = "sending", 1  # claimed, then the process died
        row.next_attempt_at = utcnow() + timedelta(minutes=5)
        s.add(row)
    assert deps.sender.flush(deps.db) == (0, 0)  # still leased
    with deps.db.session() as s:
        row = s.exec(select(Delivery).where(Delivery.key == "k1")).one()
        row.next_attempt_at = utcnow() - timedelta(seconds=1)  # lease over
        s.add(row)
    assert deps.sender.flush(deps.db) == (1, 0)
    with deps.db.session() as s:
        row = s.exec(select(Delivery).where(Delivery.key == "k1")).one()
        assert (row.status, row.attempts) == ("sent", 2)


def lease(deps, owner):
    with deps.db.session() as s:
        s.add(
            SchedulerLease(
                name="scheduler",
                owner=owner,
                expires_at=utcnow() + timedelta(seconds=60),
            )
        )


def claimed(deps, key, owner):
    """As a process left it when it was killed between its claim and Slack's answer."""
    with deps.db.session() as s:
        row = s.exec(select(Delivery).where(Delivery.key == key)).one()
        row.status, row.attempts, row.claimed_by = "sending", 1, owner
        row.next_attempt_at = utcnow() + timedelta(minutes=5)
        s.add(row)


def test_claim_of_a_scheduler_that_no_longer_holds_the_lease_is_retried_at_once(deps, fake):
    enqueue(deps, "k1", "CEAST", "claimed by the scheduler that died")
    enqueue(deps, "k2", "CWEST", "claimed by a web replica, still sending")
    claimed(deps, "k1", "old-host:7:dead01")
    claimed(deps, "k2", None)
    lease(deps, deps.sender.owner)  # this process took the lease over
    assert deps.sender.flush(deps.db) == (1, 0)  # k1 at once; k2 keeps its 5-minute claim
    assert [c.params["text"] for c in fake.messages()] == ["claimed by the scheduler that died"]
    with deps.db.session() as s:
        row = s.exec(select(Delivery).where(Delivery.key == "k1")).one()
        # re-claimed in this process's name, as the lease holder
        assert (row.status, row.attempts, row.claimed_by) == ("sent", 2, deps.sender.owner)


def test_claim_of_the_live_lease_holder_is_left_alone(deps, fake):
    enqueue(deps, "k1", "CEAST", "being sent by the scheduler")
    lease(deps, "scheduler-host:7:live01")
    claimed(deps, "k1", "scheduler-host:7:live01")
    assert deps.sender.flush(deps.db) == (0, 0)
    with deps.db.session() as s:  # its lease ran out: it no longer holds it
        s.exec(update(SchedulerLease).values(expires_at=utcnow() - timedelta(seconds=1)))  # type: ignore[call-overload]
    assert deps.sender.flush(deps.db) == (1, 0)


def test_a_claim_names_the_process_only_while_it_holds_the_lease(deps, fake):
    enqueue(deps, "k1", "CEAST", "not the lease holder")
    deps.sender.flush(deps.db)
    lease(deps, deps.sender.owner)
    enqueue(deps, "k2", "CEAST", "the lease holder")
    deps.sender.flush(deps.db)
    with deps.db.session() as s:
        rows = {d.key: d.claimed_by for d in s.exec(select(Delivery)).all()}
    assert rows == {"k1": None, "k2": deps.sender.owner}


def test_a_file_delivery_is_uploaded_once(deps, fake):
    with deps.db.session() as s:
        deps.sender.enqueue(
            s, "T0001", "chart:1", "CEAST", "a chart", None, file=b"\x89PNG...", file_name="c.png"
        )
    assert deps.sender.flush(deps.db) == (1, 0)
    assert deps.sender.flush(deps.db) == (0, 0)
    [upload] = fake.calls_to("files.completeUploadExternal")
    assert upload.params["channel_id"] == "CEAST"
    assert list(fake.uploads.values()) == [b"\x89PNG..."]
    assert fake.messages() == []
