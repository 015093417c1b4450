"""The scheduler: APScheduler 3 with its jobs persisted in the database.

APScheduler 3 cannot share a job store between schedulers, so exactly one process runs jobs:
the one holding the `scheduler_lease` row. Others keep their scheduler paused and take the
lease over when it expires (the holder died)."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from bot.core.config import AppConfig
from bot.core.deps import Deps
from bot.core.sender import PROCESS_ID
from bot.features import Job, find_job, jobs
from storage.models.core import SchedulerLease
from storage.types import utcnow

log = logging.getLogger(__name__)
LEASE_NAME = "scheduler"
LEASE_SECONDS = 60
_deps: Deps | None = None  # jobs are stored by reference; they find the process's Deps here
_TRIGGERS = {"cron": CronTrigger, "interval": IntervalTrigger, "date": DateTrigger}


def run_job(job_id: str) -> None:
    """The callable APScheduler stores (module-level, so it can be persisted)."""
    job = find_job(job_id)
    if job is None or _deps is None:
        log.error("job %s cannot run: unknown job or scheduler not started", job_id)
        return
    summary = job.func(_deps, _deps.clock())
    log.info("job %s: %s", job_id, summary)


def make_scheduler(deps: Deps) -> BackgroundScheduler:
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=deps.db.engine)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
        timezone=deps.config.workspace.timezone,
    )


def add_jobs(scheduler: BackgroundScheduler, deps: Deps) -> None:
    for job in jobs():
        scheduler.add_job(
            run_job,
            args=[job.id],
            id=job.id,
            name=job.description,
            replace_existing=True,
            **job.trigger(deps.config),
        )


def next_runs(config: AppConfig, now: datetime) -> list[tuple[Job, datetime | None]]:
    """Each job and when its trigger fires next after `now`, in workspace time: read from the
    config alone (the stored jobs are replaced from it at every start), so `salespulse jobs
    list` needs no running scheduler and no database."""
    timezone = ZoneInfo(config.workspace.timezone)
    planned: list[tuple[Job, datetime | None]] = []
    for job in jobs():
        params = dict(job.trigger(config))
        kind = params.pop("trigger")
        params.setdefault("timezone", timezone)
        trigger = _TRIGGERS[kind](**params)
        planned.append((job, trigger.get_next_fire_time(None, now.astimezone(timezone))))
    return planned


class LeasedScheduler:
    """A BackgroundScheduler that only runs while this process holds the lease."""

    def __init__(self, deps: Deps) -> None:
        global _deps
        _deps = deps
        self.deps = deps
        self.owner = PROCESS_ID  # also names this process's outbox claims
        self.scheduler = make_scheduler(deps)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._keep_lease, name="lease", daemon=True)
        self.active = False

    def start(self) -> None:
        self.scheduler.start(paused=True)
        add_jobs(self.scheduler, self.deps)
        self._thread.start()

    def shutdown(self) -> None:
        self._stop.set()
        self.scheduler.shutdown(wait=False)
        if self.active:
            with self.deps.db.session() as session:
                lease = session.get(SchedulerLease, LEASE_NAME)
                if lease and lease.owner == self.owner:
                    session.delete(lease)

    def try_acquire(self) -> bool:
        """Take or renew the lease; True while we hold it."""
        now = utcnow()
        until = now + timedelta(seconds=LEASE_SECONDS)
        with self.deps.db.session() as session:
            taken = session.exec(
                update(SchedulerLease)  # type: ignore[arg-type]
                .where(SchedulerLease.name == LEASE_NAME)
                .where((SchedulerLease.owner == self.owner) | (SchedulerLease.expires_at < now))
                .values(owner=self.owner, expires_at=until)
            ).rowcount
        if taken:
            return True
        try:
            with self.deps.db.session() as session:
                session.add(SchedulerLease(name=LEASE_NAME, owner=self.owner, expires_at=until))
            return True
        except IntegrityError:
            return False  # someone else holds a live lease

    def _deliver_now(self) -> None:
        """Run deliver-outbox at once, not in a minute: a due digest not yet queued, and the
        deliveries the previous lease holder left claimed, go out right after a restart."""
        try:
            self.scheduler.modify_job("deliver-outbox", next_run_time=utcnow())
        except Exception:
            log.exception("could not schedule deliver-outbox now; it runs within a minute")

    def _keep_lease(self) -> None:
        while not self._stop.is_set():
            try:
                held = self.try_acquire()
            except Exception:
                log.exception("scheduler lease check failed")
                held = False
            if held and not self.active:
                log.info("scheduler lease taken by %s: running jobs", self.owner)
                self.scheduler.resume()
                self._deliver_now()
            elif not held and self.active:
                log.info("scheduler lease lost: pausing jobs")
                self.scheduler.pause()
            self.active = held
            self._stop.wait(LEASE_SECONDS / 3)
