"""Answers written straight onto review tasks (the review modal is another part's), and the
cycle the closing and export tests share: November 2026, whose KPI numbers are known."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlmodel import select

from bot.core.config import AppConfig
from storage.db import Database
from storage.models.core import User
from storage.models.reviews import ReviewCycle, ReviewTask
from tests.conftest import TEST_CONFIG
from tests.support.kpi_fixture import kpi_config
from tests.support.reviews import start_cycle

SUBMITTED = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


def close_config(**reviews: object) -> AppConfig:
    base = AppConfig.model_validate({**TEST_CONFIG, "reviews": reviews})
    return kpi_config(base)


def ids(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {u.slack_id: u.id for u in s.exec(select(User)).all()}  # type: ignore[misc]


def answer(
    db: Database,
    cycle_id: int,
    subject: str,
    reviewer: str,
    role: str,
    ratings: dict[str, int],
    comment: str = "",
) -> None:
    """The reviewer's answer as the review modal would store it; a peer task is created
    here (the nomination step is another part's)."""
    who = ids(db)
    with db.session() as s:
        task = s.exec(
            select(ReviewTask).where(
                ReviewTask.cycle_id == cycle_id,
                ReviewTask.subject_id == who[subject],
                ReviewTask.reviewer_id == who[reviewer],
                ReviewTask.role == role,
            )
        ).first()
        if task is None:
            task = ReviewTask(
                team_id="T0001",
                cycle_id=cycle_id,
                subject_id=who[subject],
                reviewer_id=who[reviewer],
                role=role,
            )
        task.ratings, task.comment = ratings, comment
        task.status, task.submitted_at = "done", SUBMITTED
        s.add(task)


def november_cycle(db: Database) -> ReviewCycle:
    """Alice: self, manager and two peer reviews; Bob: self only (his manager's stays open);
    the rest open. Only HR-MUST-NOT-SEE words are in the comments HR's DM must not carry."""
    cycle, _ = start_cycle(
        db, "T0001", name="Nov 2026", kind="monthly", period="2026-11", due=date(2026, 11, 30)
    )
    assert cycle.id is not None
    c = cycle.id
    answer(db, c, "UALICE", "UALICE", "self", {"closing": 4, "customer": 3, "teamwork": 5},
           "I closed the Acme deal")  # fmt: skip
    answer(db, c, "UALICE", "UEMGR", "manager", {"closing": 5, "customer": 4, "teamwork": 4},
           "Great month, Alice (manager words)")  # fmt: skip
    answer(db, c, "UALICE", "UBOB", "peer", {"closing": 3, "customer": 4, "teamwork": 5},
           "Alice helps everyone (peer words one)")  # fmt: skip
    answer(db, c, "UALICE", "UCAROL", "peer", {"closing": 4, "customer": 4, "teamwork": 4},
           "Shares her playbook (peer words two)")  # fmt: skip
    answer(db, c, "UBOB", "UBOB", "self", {"closing": 2, "customer": 3, "teamwork": 4},
           "Bob private self words")  # fmt: skip
    return cycle


def at_once(*sends: Callable[[], object]) -> list[object]:
    """Run the sends in parallel threads, released together by a barrier."""
    start = threading.Barrier(len(sends))
    out: list[object] = [None] * len(sends)

    def run(i: int) -> None:
        start.wait()
        out[i] = sends[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sends))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return out
