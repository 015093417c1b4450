"""`salespulse worker`: any number of processes delivering the outbox side by side.

Each worker holds a heartbeat lease (a `scheduler_lease` row named `worker:<process id>`,
renewed every HEARTBEAT seconds, lapsing after WORKER_LEASE), so its claims name it: when it
dies (kill -9, a lost node), what it had claimed is due again as soon as its lease lapses.
It claims small batches of due deliveries of installed workspaces (a workspace that is not,
or no longer, installed is left alone), sends them at their paced slots and settles each.
It polls about once a second when idle, and stops cleanly on SIGTERM / SIGINT: the message
in flight is settled, the rest of its batch given back."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from bot.core import outbox
from bot.core.deps import Deps
from bot.core.outbox import PROCESS_ID, Tally
from bot.core.workspace import Workspace
from storage.models.core import SchedulerLease
from storage.types import utcnow

log = logging.getLogger(__name__)
WORKER_LEASE = 15.0  # seconds: how soon a dead worker's claims are retried
HEARTBEAT = 3.0
IDLE = 1.0  # seconds between polls when nothing is due
WORKSPACES_FRESH = 5.0  # seconds the list of installed workspaces is reused


class Worker:
    def __init__(self, deps: Deps, *, owner: str = PROCESS_ID, idle: float = IDLE) -> None:
        self.deps, self.owner, self.idle = deps, owner, idle
        self.lease_name = f"worker:{owner}"
        self.total = Tally()
        self._stop = threading.Event()
        self._workspaces: dict[str, Workspace] = {}
        self._listed_at = float("-inf")

    def stop(self) -> None:
        """Ask the loop to end (a signal handler may call it)."""
        self._stop.set()

    def run(self) -> Tally:
        """Deliver until stopped; what was sent, failed and deferred."""
        self.renew()  # before the first claim, so the claims name this worker
        self._forget_dead()
        beat = threading.Thread(target=self._heartbeat, name="worker-lease", daemon=True)
        beat.start()
        log.info("worker %s delivering", self.owner)
        try:
            while not self._stop.is_set():
                tally = self.step()
                if tally.sent or tally.failed or tally.deferred:
                    log.info(
                        "sent %s, refused %s, deferred %s", tally.sent, tally.failed, tally.deferred
                    )
                if not tally.sent and not tally.failed:
                    self._stop.wait(self._idle_for(tally))
        finally:
            self._stop.set()
            beat.join(HEARTBEAT + 1)
            self._drop_lease()
            log.info(
                "worker %s stopped: sent %s, refused %s",
                self.owner,
                self.total.sent,
                self.total.failed,
            )
        return self.total

    def step(self) -> Tally:
        """Claim one batch of the installed workspaces' due deliveries and send it."""
        workspaces = self._installed()
        if not workspaces:
            return Tally()
        rows = outbox.claim(self.deps.db, self.owner, teams=sorted(workspaces))
        if not rows:
            return Tally()
        tally = outbox.send_batch(
            self.deps.db,
            rows,
            lambda team: ws.sender if (ws := workspaces.get(team)) else None,
            sleep=self._stop.wait,
            stopping=self._stop.is_set,
        )
        self.total.add(tally)
        return tally

    def renew(self) -> None:
        """Take or extend this worker's lease."""
        until = utcnow() + timedelta(seconds=WORKER_LEASE)
        with self.deps.db.session() as session:
            renewed = session.exec(
                update(SchedulerLease)  # type: ignore[arg-type]
                .where(SchedulerLease.name == self.lease_name)
                .values(owner=self.owner, expires_at=until)
            ).rowcount
        if not renewed:
            try:
                with self.deps.db.session() as session:
                    session.add(
                        SchedulerLease(name=self.lease_name, owner=self.owner, expires_at=until)
                    )
            except IntegrityError:  # taken between the two statements: by this worker only
                pass

    def _forget_dead(self) -> None:
        """Drop the leases of workers long dead (killed: they could not drop their own)."""
        long_ago = utcnow() - timedelta(hours=1)
        with self.deps.db.session() as session:
            session.exec(
                delete(SchedulerLease).where(  # type: ignore[arg-type]
                    col(SchedulerLease.name).startswith("worker:"),
                    SchedulerLease.expires_at < long_ago,
                )
            )

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT):
            try:
                self.renew()
            except Exception:
                log.exception("worker lease renewal failed; retrying")

    def _drop_lease(self) -> None:
        try:
            with self.deps.db.session() as session:
                session.exec(delete(SchedulerLease).where(SchedulerLease.name == self.lease_name))  # type: ignore[arg-type]
        except Exception:
            log.exception("could not drop the worker lease; it lapses in %s s", WORKER_LEASE)

    def _installed(self) -> dict[str, Workspace]:
        now = time.monotonic()
        if now - self._listed_at > WORKSPACES_FRESH:
            self._workspaces = {ws.team_id: ws for ws in self.deps.workspaces.installed()}
            self._listed_at = now
        return self._workspaces

    def _idle_for(self, tally: Tally) -> float:
        """Until the next poll: IDLE, or sooner when something deferred is due before."""
        if tally.retry_at is None:
            return self.idle
        soon = (tally.retry_at - utcnow()).total_seconds()
        return min(self.idle, max(0.01, soon))
