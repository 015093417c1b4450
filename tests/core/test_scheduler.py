"""One active scheduler: a lease in the database decides; jobs persisted with explicit ids."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text
from sqlmodel import select

from bot import features
from bot.jobs import housekeeping
from bot.scheduler import LeasedScheduler, add_jobs, make_scheduler
from storage.models.core import Claim, ProcessedEvent, SchedulerLease
from storage.types import utcnow


def test_only_one_process_holds_the_lease(deps):
    first, second = LeasedScheduler(deps), LeasedScheduler(deps)
    second.owner = "other-host:1"
    assert first.try_acquire() is True
    assert second.try_acquire() is False
    assert first.try_acquire() is True  # renewal by the holder


def test_expired_lease_is_taken_over(deps):
    first, second = LeasedScheduler(deps), LeasedScheduler(deps)
    second.owner = "other-host:1"
    assert first.try_acquire()
    with deps.db.session() as s:
        lease = s.get(SchedulerLease, "scheduler")
        lease.expires_at = utcnow() - timedelta(seconds=1)  # the holder died
        s.add(lease)
    assert second.try_acquire() is True
    assert first.try_acquire() is False


def test_jobs_are_persisted_with_explicit_ids_and_replaced_not_duplicated(deps):
    for _ in range(2):  # a restart registers the same jobs again
        scheduler = make_scheduler(deps)
        scheduler.start(paused=True)
        add_jobs(scheduler, deps)
        scheduler.shutdown(wait=False)
    with deps.db.engine.connect() as conn:
        ids = sorted(r[0] for r in conn.execute(text("SELECT id FROM apscheduler_jobs")))
    assert ids == sorted(job.id for job in features.jobs())
    job = make_scheduler(deps)._job_defaults
    assert (
        job["coalesce"] is True and job["max_instances"] == 1 and job["misfire_grace_time"] >= 3600
    )


def test_housekeeping_forgets_old_event_ids_and_claims_and_is_idempotent(deps):
    now = utcnow()
    with deps.db.session() as s:
        s.add(ProcessedEvent(event_id="old", team_id="T0001", received_at=now - timedelta(days=8)))
        s.add(ProcessedEvent(event_id="new", team_id="T0001", received_at=now - timedelta(days=1)))
        s.add(Claim(team_id="T0001", key="trigger:old", created_at=now - timedelta(days=8)))
        s.add(Claim(team_id="T0001", key="view:new", created_at=now - timedelta(hours=1)))
    assert housekeeping(deps, now) == "forgot 1 processed event ids and 1 claims"
    assert housekeeping(deps, now) == "forgot 0 processed event ids and 0 claims"
    with deps.db.session() as s:
        assert [c.key for c in s.exec(select(Claim))] == ["view:new"]
