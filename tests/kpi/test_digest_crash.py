"""The weekly digest survives `kill -9` of the scheduler process: a real `salespulse serve`
against the test database and the fake Slack is killed before the digest is queued, in the
middle of its sends and in the middle of its chart uploads; after each restart the digest
goes on, and in the end every team post, chart and rep DM arrived once, except the single
call in flight at each kill (Slack got it, the dead process never learned), which repeats."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import select

from bot.core.config import WEEKDAYS
from bot.core.periods import containing, keys_of
from bot.kpi.validation import FactRow
from bot.kpi.writer import write_facts
from storage.models.core import Delivery, DigestRun, SchedulerLease
from storage.models.kpi import KpiTarget
from storage.types import utcnow

TZ = "Asia/Shanghai"
UPLOAD = "files.completeUploadExternal"
SALESPULSE = Path(sys.executable).parent / "salespulse"


def last_complete_sunday() -> datetime:
    local = datetime.now(ZoneInfo(TZ)).date()
    return local - timedelta(days=local.weekday() + 1)


def seed(deps, org, tmp_path: Path) -> Path:
    """The standard org, a revenue fact for each rep on the last complete week's Sunday and
    team targets; the digest scheduled at 00:00 on the last working day up to today, so it is
    due whenever the test runs."""
    people = org.standard()
    day = last_complete_sunday()
    with deps.db.session() as s:
        reps = ("alice", "bob", "xiaowang", "carol")
        rows = [
            FactRow(i, people[who].id, "revenue", day, (i + 1) * 10**10, None, keys_of(day))
            for i, who in enumerate(reps)
        ]
        write_facts(s, org.team_id, rows)
        for team in ("east", "west"):
            month = containing("month", day).key
            s.add(
                KpiTarget(
                    team_id=org.team_id,
                    period=month,
                    sales_team=team,
                    metric="revenue",
                    target=10**11,
                )
            )
    # the last working day up to today: on a weekend, today's digest DMs would wait for Monday
    weekday = WEEKDAYS[min(datetime.now(ZoneInfo(TZ)).weekday(), 4)]
    config = tmp_path / "salespulse.toml"
    config.write_text(
        f'[workspace]\ntimezone = "{TZ}"\ndefault_locale = "en-US"\n'
        '[teams.east]\nchannel = "CEAST"\n[teams.west]\nchannel = "CWEST"\n'
        f'[digest]\nweekday = "{weekday}"\ntime = "00:00"\n'
    )
    return config


class Scheduler:
    """`salespulse serve --with-scheduler` in its own process (HTTP and the leased scheduler)."""

    def __init__(self, deps, fake, config: Path, log: Path) -> None:
        self.env = os.environ | {
            "DATABASE_URL": deps.db.url,
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": "crash-test-secret",
            "SLACK_API_URL": fake.url,
            "SALESPULSE_CONFIG": str(config),
        }
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as out:
            self.proc = subprocess.Popen(
                [
                    str(SALESPULSE),
                    "serve",
                    "--with-scheduler",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "0",
                ],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        assert self.proc is not None and self.proc.poll() is None, self.log.read_text()
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def expire_lease(deps) -> None:
    """What LEASE_SECONDS after the kill brings: the dead holder's lease has run out."""
    with deps.db.session() as s:
        s.exec(update(SchedulerLease).values(expires_at=utcnow() - timedelta(seconds=1)))  # type: ignore[call-overload]


def kill_when(fake, scheduler: Scheduler, method: str, after: int) -> object:
    """Start the scheduler, hold `method` after `after` calls, kill -9 once the next call
    reached Slack; return what was in flight (its channel)."""
    fake.hold(method, after=after)
    scheduler.start()
    arrived = fake.wait_for(lambda: len(fake.calls_to(method)) > after, timeout=60)
    assert arrived, scheduler.log.read_text()[-3000:]
    scheduler.kill()
    fake.release()
    call = fake.calls_to(method)[after]
    return call.params.get("channel") or call.params.get("channel_id")


def outbox(deps) -> dict[str, str]:
    with deps.db.session() as s:
        return {d.key: d.status for d in s.exec(select(Delivery)).all()}


def test_kill_9_before_queueing_mid_sends_and_mid_uploads(deps, fake, org, tmp_path):
    config = seed(deps, org, tmp_path)
    scheduler = Scheduler(deps, fake, config, tmp_path / "serve.log")
    try:
        # 1. killed before the digest is put together (at the start check, auth.test: the one
        # time a process asks Slack which workspace it serves): nothing queued, nothing sent
        kill_when(fake, scheduler, "auth.test", after=0)
        assert fake.messages() == [] and outbox(deps) == {}
        with deps.db.session() as s:
            assert s.exec(select(DigestRun)).all() == []
        expire_lease(deps)

        # 2. restarted: the due digest is queued on start; killed at the second post
        in_flight_post = kill_when(fake, scheduler, "chat.postMessage", after=1)
        assert len(outbox(deps)) == 8  # queued whole: 2 posts, 2 charts, 4 DMs
        expire_lease(deps)

        # 3. restarted: the post in flight is retried at once; killed at the second upload
        in_flight_chart = kill_when(fake, scheduler, UPLOAD, after=1)
        expire_lease(deps)

        # 4. restarted: everything left goes out
        scheduler.start()
        done = fake.wait_for(lambda: set(outbox(deps).values()) == {"sent"}, timeout=60)
        assert done, (outbox(deps), scheduler.log.read_text()[-3000:])
    finally:
        scheduler.stop()

    posts = {ch: len(fake.messages(ch)) for ch in ("CEAST", "CWEST")}
    dms = {u: len(fake.dms_to(u)) for u in ("UALICE", "UBOB", "UXW", "UCAROL")}
    uploads = [c.params["channel_id"] for c in fake.calls_to(UPLOAD)]
    charts = {ch: uploads.count(ch) for ch in ("CEAST", "CWEST")}
    repeated = {
        what: n - 1
        for what, n in {**posts, **dms, **{f"chart {k}": v for k, v in charts.items()}}.items()
        if n > 1
    }
    print(f"\nrepeated across 3 kills ({deps.db.url.split(':')[0]}): {repeated or 'nothing'}")
    # each in flight at its kill may repeat once; everything else arrived exactly once
    assert posts | dms == {
        "CEAST": 1,
        "CWEST": 1,
        "UALICE": 1,
        "UBOB": 1,
        "UXW": 1,
        "UCAROL": 1,
    } | {in_flight_post: 2}
    assert charts == {"CEAST": 1, "CWEST": 1} | {in_flight_chart: 2}
    assert sum(repeated.values()) <= 2
    for nobody in ("UEMGR", "UWMGR", "UDIR", "UHR"):
        assert fake.dms_to(nobody) == []
    assert fake.violations == []
