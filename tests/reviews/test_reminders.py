"""The review-reminders job with time moved by as_of: exactly the people with open tasks, at
10:00 in their own time zone, once, never on a weekend or in quiet hours, escalation once
after the due date, overdue reminders stop after overdue_days."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import update
from sqlmodel import select

from bot.reviews.reminders import review_reminders
from storage.models.core import Delivery, User
from storage.models.reviews import ReviewCycle, ReviewTask
from tests.support.reviews import start_cycle
from tests.support.slack import all_text

DUE = date(2026, 12, 29)  # a Tuesday: 7 days before is Tue 22nd, 3 days before Sat 26th
SH = timezone(timedelta(hours=8))
LA = timezone(timedelta(hours=-8))  # December: PST


def at(day: int, hh: int, mm: int, tz=SH, month: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, hh, mm, tzinfo=tz)


@pytest.fixture
def people(org, db):
    found = org.standard()
    found["lara"] = org.person(
        "ULARA", "Lara Lopez", manager=found["east_mgr"], timezone="America/Los_Angeles"
    )
    start_cycle(db, org.team_id, teams=("east",), due=DUE)
    with db.session() as s:  # opened long before the reminder days
        s.exec(update(ReviewCycle).values(created_at=datetime(2026, 11, 1, tzinfo=UTC)))
        bob = found["bob"].id
        s.exec(
            update(ReviewTask)
            .where(ReviewTask.reviewer_id == bob, ReviewTask.role == "self")
            .values(status="done")
        )
    return found


def dm_counts(fake) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call in fake.messages():
        channel = call.params["channel"].removeprefix("D")
        counts[channel] = counts.get(channel, 0) + 1
    return counts


def test_reminders_go_at_ten_local_to_exactly_the_people_with_open_tasks(deps, fake, people):
    review_reminders(deps, at(22, 9, 50))  # 09:50 in Shanghai: not yet
    assert dm_counts(fake) == {}
    review_reminders(deps, at(22, 10, 5))
    assert dm_counts(fake) == {"UALICE": 1, "UXW": 1, "UEMGR": 1}  # not Bob (done), not Lara
    review_reminders(deps, at(21, 9, 50, LA))  # same instant again, 09:50 in LA on the 21st
    review_reminders(deps, at(22, 9, 50, LA))
    assert "ULARA" not in dm_counts(fake)
    review_reminders(deps, at(22, 10, 5, LA))
    review_reminders(deps, at(22, 10, 20, LA))  # the next tick: nothing twice
    assert dm_counts(fake) == {"UALICE": 1, "UXW": 1, "UEMGR": 1, "ULARA": 1}
    [alice] = fake.dms_to("UALICE")
    assert all_text(alice.params).startswith("Reminder: you have 1 open review task(s).")
    assert "• Self review: 2026 Q4, due Dec 29, 2026" in all_text(alice.params)
    [mgr] = fake.dms_to("UEMGR")
    assert "you have 4 open review task(s)" in mgr.params["text"]
    assert "• Manager review of <@UALICE>: 2026 Q4, due Dec 29, 2026" in mgr.params["text"]
    [xw] = fake.dms_to("UXW")
    assert xw.params["text"].startswith("提醒：你有 1 项待完成的绩效评估任务。")
    assert "• 自评：2026 Q4，截止日期 2026年12月29日" in xw.params["text"]


def test_a_saturday_reminder_goes_monday_merged_with_mondays(deps, fake, people):
    review_reminders(deps, at(26, 10, 5))  # Saturday: the 3-days-before reminder waits
    review_reminders(deps, at(27, 10, 5))
    assert dm_counts(fake) == {}
    for minute in (5, 20, 35):
        review_reminders(deps, at(28, 10, minute))  # Monday: the 3-day and 1-day ones as one
    assert dm_counts(fake) == {"UALICE": 1, "UXW": 1, "UEMGR": 1}
    with deps.db.session() as s:
        keys = s.exec(select(Delivery.key).where(Delivery.channel == "UALICE")).all()
    assert keys == ["review-remind:UALICE:2026-12-28"]


def test_quiet_hours_hold_the_reminder_until_they_end(deps, fake, people):
    with deps.db.session() as s:
        s.exec(update(User).where(User.slack_id == "UALICE").values(quiet_hours="09:00-11:00"))
    review_reminders(deps, at(22, 10, 5))
    assert "UALICE" not in dm_counts(fake) and "UXW" in dm_counts(fake)
    review_reminders(deps, at(22, 10, 50))
    assert "UALICE" not in dm_counts(fake)
    review_reminders(deps, at(22, 11, 0))
    assert dm_counts(fake)["UALICE"] == 1


def test_escalation_after_the_due_date_once_and_overdue_stops(deps, fake, people):
    review_reminders(deps, at(29, 10, 5))  # the due day: a reminder, no escalation
    assert "has 1 review task(s) past the due date" not in str(
        [c.params["text"] for c in fake.dms_to("UEMGR")]
    )
    review_reminders(deps, at(30, 10, 5))  # first overdue day
    review_reminders(deps, at(30, 10, 20))
    mgr = [c.params["text"] for c in fake.dms_to("UEMGR")]
    escalations = [text for text in mgr if "past the due date" in text]
    assert len(escalations) == 2  # Alice and Xiaowang are late (Bob is done)
    assert any(text.startswith("<@UALICE> has 1 review task(s) past the due date:") for text in mgr)
    assert any("<@UXW> has 1" in text for text in escalations)
    director = fake.dms_to("UDIR")  # Eric's own manager tasks are late: Dora hears once
    assert len(director) == 1 and "<@UEMGR> has 4 review task(s)" in director[0].params["text"]
    [_, overdue] = fake.dms_to("UALICE")
    assert overdue.params["text"].startswith("Overdue: you have 1 open review task(s)")
    for day in (31,):
        review_reminders(deps, at(day, 10, 5))
    review_reminders(deps, at(1, 10, 5, month=1, year=2027))  # Fri: 3rd overdue day
    review_reminders(deps, at(2, 10, 5, month=1, year=2027))  # Sat: waits for Monday
    review_reminders(deps, at(4, 10, 5, month=1, year=2027))  # Mon: days 4 and 5 as one
    review_reminders(deps, at(5, 10, 5, month=1, year=2027))  # past overdue_days: nothing
    review_reminders(deps, at(6, 10, 5, month=1, year=2027))
    assert len(fake.dms_to("UALICE")) == 1 + 4  # due day, then Dec 30, 31, Jan 1, Jan 4
    late = [
        c.params["text"] for c in fake.dms_to("UEMGR") if "past the due date" in c.params["text"]
    ]
    assert len(late) == 3 and "<@ULARA> has 1" in late[2]  # Lara's first overdue day came later


def test_parallel_runs_send_each_reminder_once(deps, fake, people):
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            review_reminders(deps, at(30, 10, 5))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    counts = dm_counts(fake)
    assert counts["UALICE"] == 1 and counts["UXW"] == 1
    assert counts["UEMGR"] == 1 + 2  # its own reminder and two escalations
    assert counts["UDIR"] == 1
