"""A career fixture with numbers worked out by hand: a ladder, levels and hire dates, one
metric (revenue, weight 1: a month's composite is actual / target, capped at 150%), a closed
review cycle with manager ratings. Today is 2026-11-26 (Asia/Shanghai): the last three
complete months are 2026-08, 2026-09 and 2026-10."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import select

from bot.core.config import AppConfig
from bot.core.periods import keys_of
from bot.kpi.validation import FactRow
from bot.kpi.writer import write_facts
from storage.db import Database
from storage.models.core import User
from storage.models.kpi import KpiTarget
from storage.models.reviews import ReviewCycle, ReviewTask
from tests.conftest import TEAM, TEST_CONFIG
from tests.support.builders import Org
from tests.support.reviews import start_cycle

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai

LEVELS = [
    {"key": "L1", "title_en": "Sales Representative", "title_zh": "销售代表", "next": "L2",
     "min_composite": 0.8, "months": 3, "min_tenure_months": 12},
    {"key": "L2", "title_en": "Senior Sales Representative", "title_zh": "高级销售代表",
     "next": "L3", "min_composite": 0.9, "months": 3, "min_review_rating": 3.5,
     "min_tenure_months": 24},
    {"key": "L3", "title_en": "Key Account Manager", "title_zh": "大客户经理", "next": "L4",
     "min_composite": 1.0, "months": 6, "min_review_rating": 4.0, "min_tenure_months": 36},
    {"key": "L4", "title_en": "Sales Director", "title_zh": "销售总监"},
]  # fmt: skip
METRICS = [
    {"key": "revenue", "label_en": "Revenue", "label_zh": "销售额", "unit": "CNY",
     "aggregate": "sum", "weight": 1.0},
]  # fmt: skip


def career_config(coaches: list[str] | None = None, **extra: Any) -> AppConfig:
    teams = {
        "east": {"channel": "CEAST", "name_en": "East", "name_zh": "华东"},
        "west": {"channel": "CWEST", "name_en": "West", "name_zh": "华西"},
    }
    career = {"levels": LEVELS, "coaches": coaches or []}
    return AppConfig.model_validate(
        {**TEST_CONFIG, "teams": teams, "metrics": METRICS, "career": career, **extra}
    )


# (person, month, revenue) with a target of 100,000 each month listed in TARGETS
FACTS = [
    ("alice", "2026-08-10", 90000),  # 90%
    ("alice", "2026-09-10", 80000),  # 80%
    ("alice", "2026-10-10", 85000),  # 85%  -> average 85.0% >= 80%: met
    ("alice", "2026-11-10", 10000),  # this month: not complete, not counted
    ("bob", "2026-09-10", 100000),  # 100%
    ("bob", "2026-10-10", 120000),  # 120% -> August has no target: 2 of 3 months
    ("xiaowang", "2026-05-10", 100000),  # 100% for six months -> 100.0% >= 100%
    ("xiaowang", "2026-06-10", 100000),
    ("xiaowang", "2026-07-10", 100000),
    ("xiaowang", "2026-08-10", 100000),
    ("xiaowang", "2026-09-10", 100000),
    ("xiaowang", "2026-10-10", 100000),
]
TARGETS = [
    ("alice", "2026-08"), ("alice", "2026-09"), ("alice", "2026-10"), ("alice", "2026-11"),
    ("bob", "2026-09"), ("bob", "2026-10"),
    *[("xiaowang", f"2026-{m:02d}") for m in range(5, 11)],
]  # fmt: skip

# Levels and hire dates: alice L1 hired 2025-06-15 (17 months: ready for L2); bob L2 hired
# 2024-12-01 (23 of 24 months; rating 3.7 in "2026 Q3"); xiaowang L3, no hire date, no
# submitted manager review; carol L4 (top); dora (director) no level; wendy "L9" (unknown).
PLACES = {
    "alice": ("L1", date(2025, 6, 15)),
    "bob": ("L2", date(2024, 12, 1)),
    "xiaowang": ("L3", None),
    "carol": ("L4", date(2020, 1, 1)),
    "west_mgr": ("L9", None),
}
BOB_RATINGS = {"closing": 4, "customer": 3, "teamwork": 4}  # 3.667 -> 3.7


def career_people(db: Database, org: Org) -> dict[str, User]:
    people = org.standard()
    with db.session() as s:
        for who, (level, hired) in PLACES.items():
            user = s.get(User, people[who].id)
            assert user is not None
            user.level, user.hire_date = level, hired
            s.add(user)
    with db.session() as s:
        refreshed = {k: s.get(User, u.id) for k, u in people.items()}
        s.expunge_all()
    return refreshed  # type: ignore[return-value]


def load_facts(db: Database, people: dict[str, User]) -> None:
    rows = []
    for line, (who, day, value) in enumerate(FACTS, start=2):
        d = date.fromisoformat(day)
        micro = value * 1_000_000
        rows.append(FactRow(line, people[who].id, "revenue", d, micro, None, keys_of(d)))  # type: ignore[arg-type]
    with db.session() as s:
        write_facts(s, TEAM, rows)
        for who, month in TARGETS:
            s.add(
                KpiTarget(
                    team_id=TEAM,
                    period=month,
                    user_id=people[who].id,
                    metric="revenue",
                    target=int(Decimal(100000) * 1_000_000),
                )
            )


def closed_cycle(db: Database, people: dict[str, User], *, name: str = "2026 Q3") -> None:
    """A closed cycle where bob's manager review was submitted (3.7) and nobody else's."""
    cycle, _ = start_cycle(db, TEAM, name=name, period="2026-Q3", due=date(2026, 10, 31))
    with db.session() as s:
        for task in s.exec(select(ReviewTask).where(ReviewTask.cycle_id == cycle.id)).all():
            if task.role == "manager" and task.subject_id == people["bob"].id:
                task.status, task.ratings = "done", dict(BOB_RATINGS)
                s.add(task)
        closed = s.get(ReviewCycle, cycle.id)
        assert closed is not None
        closed.status, closed.closed_at = "closed", datetime(2026, 11, 1, tzinfo=UTC)
        s.add(closed)


def career_world(db: Database, org: Org, *, closed: bool = True) -> dict[str, User]:
    people = career_people(db, org)
    load_facts(db, people)
    if closed:
        closed_cycle(db, people)
    return people


# --- driving the app ----------------------------------------------------------------------


def career_reply(slack: Any, fake: Any, user: str, text: str = "") -> str:
    """Send `/career text` as `user`; the reply (ephemeral or ack) as JSON text."""
    from tests.support.feedback import reply_text

    n = len(fake.ephemerals(user)) + 1
    slack.command(user, "/career", text)
    return reply_text(fake, user, n)


def coach_dm(fake: Any, coach: str, n: int = 1) -> Any:
    """The coach's n-th DM (a guidance request with Accept / Reassign)."""
    assert fake.wait_for(lambda: len(fake.dms_to(coach)) >= n), fake.calls
    return fake.dms_to(coach)[n - 1]


def click(slack: Any, user: str, action: str, dm: Any) -> Any:
    """Press `action` on the DM `dm` (a fake Slack call) as `user`."""
    from tests.support.feedback import button_value

    ts = (dm.response or {}).get("ts", "1.0")
    channel = dm.params.get("channel") or "D" + user
    return slack.block_action(
        user,
        action,
        button_value(dm, action),
        channel_id=channel,
        container={"type": "message", "channel_id": channel, "message_ts": ts},
    )
