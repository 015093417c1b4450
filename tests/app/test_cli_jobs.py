"""`salespulse jobs list` run as an operator runs it, in an empty folder: it lists every job
with its next run from the config, prints no scheduler noise and leaves no database behind."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import features

CONFIG = """
[workspace]
timezone = "America/Los_Angeles"
default_locale = "en-US"

[digest]
weekday = "wed"
time = "07:30"
"""


LA = ZoneInfo("America/Los_Angeles")


def next_local(now: datetime, hour: int, minute: int, weekday: int | None = None) -> str:
    """The next hour:minute (on `weekday`, Monday 0) in Los Angeles after `now`."""
    local = now.astimezone(LA)
    ahead = 0 if weekday is None else (weekday - local.weekday()) % 7
    day = local.date() + timedelta(days=ahead)
    when = datetime(day.year, day.month, day.day, hour, minute, tzinfo=LA)
    if when <= local:
        day += timedelta(days=1 if weekday is None else 7)
        when = datetime(day.year, day.month, day.day, hour, minute, tzinfo=LA)
    return when.isoformat()


def run_cli(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "SALES"))}
    command = [sys.executable, "-c", "from handlers.cli import main; main()", *args]
    root = str(Path(__file__).resolve().parents[2])
    clean["PYTHONPATH"] = os.pathsep.join(filter(None, [root, clean.get("PYTHONPATH")]))
    return subprocess.run(
        command, cwd=cwd, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


def test_jobs_list_in_an_empty_folder_creates_nothing_and_logs_nothing(tmp_path):
    workdir = tmp_path / "empty"
    workdir.mkdir()
    config = tmp_path / "salespulse.toml"
    config.write_text(CONFIG, encoding="utf-8")
    before = datetime.now(UTC)
    result = run_cli(workdir, "jobs", "list", SALESPULSE_CONFIG=str(config))
    assert result.returncode == 0, result.stderr
    # Before: it migrated a new salespulse.db here and logged 13 INFO lines (Alembic's
    # upgrades, "Scheduler started", "Added job …" ×4, "Scheduler has been shut down").
    assert list(workdir.iterdir()) == []
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [job.id for job in features.jobs()]
    for line, job in zip(lines, features.jobs(), strict=True):
        assert line.endswith(job.description)
    [digest] = [line for line in lines if line.startswith("weekly-digest ")]
    assert f"next {next_local(before, 7, 30, weekday=2)} " in digest  # Wednesday 07:30 in LA
    [prune] = [line for line in lines if line.startswith("housekeeping ")]
    assert f"next {next_local(before, 3, 17)} " in prune  # in the workspace's time zone
