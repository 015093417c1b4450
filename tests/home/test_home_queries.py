"""Building a manager's or HR's Home takes a fixed number of queries, whatever the number of
people: the same count for 10 reports as for 50, for 100 people as for 400."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import pairwise

from sqlalchemy import event

from bot.home import page
from bot.org import directory
from storage.models.core import User
from storage.models.feedback import Feedback, Kudos, KudosRecipient
from storage.models.kpi import KpiTarget

TEAM = "T0001"
NOV = datetime(2026, 11, 10, 4, 0, tzinfo=UTC)


@contextmanager
def counting(engine) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def add_people(db, manager_id: int, start: int, count: int, teams: int) -> None:
    """`count` reps reporting to `manager_id`, over `teams` sales teams, each with a target,
    a piece of feedback and a kudos from the previous rep this month."""
    with db.session() as s:
        new = [
            User(
                team_id=TEAM,
                slack_id=f"UREP{i:04d}",
                name=f"Rep {i:04d}",
                team=f"team{i % teams:02d}",
                manager_id=manager_id,
                role="rep",
            )
            for i in range(start, start + count)
        ]
        s.add_all(new)
        s.flush()
        ids = [u.id for u in new]
        for a, b in pairwise(ids):
            s.add(
                KpiTarget(
                    team_id=TEAM, period="2026-11", user_id=b, metric="revenue", target=10**12
                )
            )
            s.add(
                Feedback(
                    team_id=TEAM,
                    giver_id=a,
                    recipient_id=b,
                    kind="praise",
                    message="x",
                    created_at=NOV,
                )
            )
            kudos = Kudos(team_id=TEAM, giver_id=a, message="y", created_at=NOV)
            s.add(kudos)
            s.flush()
            s.add(KudosRecipient(team_id=TEAM, kudos_id=kudos.id, user_id=b))


def home_queries(ws, db, slack_id: str) -> tuple[int, str]:
    """Statements of a warm build (the month's ranking already stored by the first), and
    the text of the view."""
    for _ in range(2):
        with counting(db.engine) as statements, db.session() as s:
            who = directory.actor(s, ws.config, ws.team_id, slack_id)
            view = page.build(ws, s, who)
    return len(statements), str(view)


def test_manager_and_hr_homes_take_the_same_queries_for_10_or_50_reports(deps, db, org):
    deps.config = deps.config.model_validate(
        {
            **deps.config.model_dump(),
            "metrics": [
                {
                    "key": "revenue",
                    "label_en": "Revenue",
                    "label_zh": "销售额",
                    "unit": "CNY",
                    "aggregate": "sum",
                }
            ],
        }
    )
    deps.clock = lambda: datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
    ws = deps.workspace()
    org.person("UHR", "Helen HR", team=None, role="hr")
    boss = org.person("UBOSS", "Big Boss", team=None, role="manager")
    assert boss.id is not None
    add_people(db, boss.id, 0, 10, 5)
    (manager_10, _), (hr_10, _) = home_queries(ws, db, "UBOSS"), home_queries(ws, db, "UHR")
    add_people(db, boss.id, 10, 40, 25)
    (manager_50, shown), (hr_50, company) = (
        home_queries(ws, db, "UBOSS"),
        home_queries(ws, db, "UHR"),
    )
    assert manager_50 == manager_10 and hr_50 == hr_10
    assert all(f"*Rep {i:04d}*" in shown for i in range(50))  # everyone was on the Home
    assert "*team24* · 2 people" in company
    assert manager_10 <= 40 and hr_10 <= 30, (manager_10, hr_10)
