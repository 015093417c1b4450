"""The /review reply stays within Slack's limits however many tasks and people there are."""

from __future__ import annotations

from datetime import date

from bot.reviews.status_views import Count, CycleCounts, my_reviews
from bot.reviews.task_views import TaskRow


def test_many_tasks_and_a_big_team_fit_one_reply():
    rows = [
        TaskRow(i, "manager", "2026 Q4", f"U{i:05}", date(2026, 12, 31), False) for i in range(60)
    ]
    team = [
        CycleCounts(
            f"cycle {c}",
            date(2026, 12, 31),
            [Count(f"<@U{i:05}>", 1, 2, 2) for i in range(400)],
        )
        for c in range(3)
    ]
    reply = my_reviews(rows, team, "en-US")
    assert len(reply["blocks"]) <= 50
    assert all(
        len(b["text"]["text"]) <= 3000
        for b in reply["blocks"]
        if "text" in b and b["type"] == "section"
    )
    assert "…and 40 more." in str(reply["blocks"])
    assert len(reply["text"]) <= 3000
