"""What the scale benchmarks share: their command line, their database and the timing.

--reps N   people to seed (default 10,000)
--runs N   timed runs; the median is printed
--db URL   an EMPTY database whose schema the run creates; default a temporary SQLite file
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from storage.db import Database


def options(doc: str, argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db")
    return parser.parse_args(argv)


def database(url: str | None) -> Database:
    """The benchmark's database, migrated: `url`, or a new SQLite file."""
    db = Database(url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}")
    db.migrate()
    return db


def timed(
    db: Database,
    runs: int,
    work: Callable[[Session], object],
    reset: Callable[[Session], object] | None = None,
) -> float:
    """The median milliseconds of `work`, each run in its own session; `reset` (not counted)
    runs before each in a session of its own."""
    times = []
    for _ in range(runs):
        if reset is not None:
            with db.session() as s:
                reset(s)
        with db.session() as s:
            started = time.perf_counter()
            work(s)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)
