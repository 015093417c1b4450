"""Real `salespulse` processes for tests that kill them (kill -9) and start them again: the
scheduler, workers and serve replicas, each with its own log file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).parents[2]


def process_env(tmp_path: Path, database_url: str, api_url: str, **extra: str) -> dict[str, str]:
    """The environment of a process under test: this checkout's code, the test database and
    the fake Slack, nothing inherited from the developer's shell."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": database_url,
        "SLACK_API_URL": api_url,
        **extra,
    }


@dataclass
class Processes:
    """The processes a test started; all killed when the test ends."""

    tmp_path: Path
    env: dict[str, str]
    started: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, *args: str, name: str, **env: str) -> subprocess.Popen[bytes]:
        """`salespulse <args>`, logging to tmp_path/<name>.log."""
        log = (self.tmp_path / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            [sys.executable, "-m", "handlers.cli", *args],
            env={**self.env, **env},
            cwd=self.tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.started.append(proc)
        return proc

    def log(self, name: str) -> str:
        path = self.tmp_path / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    @staticmethod
    def kill9(proc: subprocess.Popen[bytes]) -> None:
        """What a crash, the OOM killer or a lost node does: no shutdown code runs."""
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        for proc in self.started:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.started:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9(proc)


@contextmanager
def processes(tmp_path: Path, database_url: str, api_url: str, **env: str) -> Iterator[Processes]:
    running = Processes(tmp_path, process_env(tmp_path, database_url, api_url, **env))
    try:
        yield running
    finally:
        running.stop_all()


def wait_until(predicate: Callable[[], bool], timeout: float, what: str = "") -> float:
    """Poll until `predicate()` holds; returns the seconds it took, fails after `timeout`."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(0.1)
    return time.monotonic() - start
