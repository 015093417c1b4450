"""The outbox's not-before time: a scheduled DM waits for it (compared with the flushing
job's as_of), a listener's own delivery does not jump it, and enqueue_many is once-only."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlmodel import func, select

from bot.core.sender import Outgoing
from storage.models.core import Delivery

LATER = datetime(2030, 1, 7, 1, 0, tzinfo=UTC)


def test_a_scheduled_dm_waits_for_its_time(deps, fake):
    with deps.db.session() as s:
        row = deps.sender.enqueue(s, "T0001", "k:1", "UALICE", "hi", None, not_before=LATER)
        now = deps.sender.enqueue(s, "T0001", "k:2", "UBOB", "now", None)
        ids = [row.id, now.id]
    assert deps.sender.deliver(deps.db, ids) == (1, 0)  # Bob's at once, Alice's waits
    assert deps.sender.flush(deps.db, as_of=LATER - timedelta(minutes=1)) == (0, 0)
    assert fake.dms_to("UALICE") == []
    assert deps.sender.flush(deps.db, as_of=LATER) == (1, 0)
    assert [c.params["text"] for c in fake.dms_to("UALICE")] == ["hi"]


def test_enqueue_many_in_parallel_records_each_key_once(deps, fake):
    rows = [Outgoing(f"m:{n}", f"U{n:03d}", "hi", None) for n in range(300)]
    made: list[int] = []
    barrier = threading.Barrier(3)

    def run() -> None:
        barrier.wait()
        with deps.db.session() as s:
            made.append(deps.sender.enqueue_many(s, "T0001", rows))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(made) == 300
    with deps.db.session() as s:
        assert s.exec(select(func.count()).select_from(Delivery)).one() == 300
