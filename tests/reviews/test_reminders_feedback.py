"""Feedback-request reminders (job `feedback-reminders`) follow the one delivery rule: a peer
in Los Angeles gets hers in her working hours, a peer in Shanghai at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from bot.feedback import requests as feedback_requests

SH = timezone(timedelta(hours=8))


def test_a_feedback_reminder_waits_for_the_peers_working_hours(deps, org, fake):
    people = org.standard()
    lara = org.person("ULARA", "Lara Lopez", timezone="America/Los_Angeles")
    t0 = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
    deps.clock = lambda: t0
    with deps.db.session() as s:
        feedback_requests.create_request(
            deps.workspace(), s, requester=people["alice"],
            peers=[people["bob"], lara], subject=None, topic=None,
        )  # fmt: skip
    deps.sender.flush(deps.db)  # the asks themselves go at once (a person acted)
    asked = len(fake.dms_to("ULARA"))
    assert asked == 1
    late_evening = datetime(2026, 12, 10, 14, 5, tzinfo=SH)  # Wed 22:05 in LA: quiet
    assert feedback_requests.remind_and_expire(deps, late_evening).startswith("reminded 2")
    assert len(fake.dms_to("UBOB")) == 2  # the ask, then the reminder at once (14:05 Shanghai)
    assert len(fake.dms_to("ULARA")) == asked  # held: it is night in Los Angeles
    morning = datetime(2026, 12, 10, 16, 0, tzinfo=UTC)  # Thu 08:00 in LA
    assert feedback_requests.remind_and_expire(deps, morning - timedelta(minutes=1)).startswith(
        "reminded 0"
    )
    assert len(fake.dms_to("ULARA")) == asked
    feedback_requests.remind_and_expire(deps, morning)
    assert len(fake.dms_to("ULARA")) == asked + 1
