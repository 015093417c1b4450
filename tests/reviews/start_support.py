"""Helpers for the review-start tests: the start modal's values, counting cycles and tasks."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from bot.reviews import start_views as views
from storage.db import Database
from storage.models.reviews import ReviewCycle, ReviewTask


def start_values(
    *,
    name: str = "2026 Q4",
    kind: str = "quarterly",
    period: str = "2026-Q4",
    due: str = "2026-12-31",
    teams: list[str] | None = None,
    steps: tuple[str, ...] = ("self", "manager"),
    peers: str = "2",
) -> dict[str, Any]:
    """The start modal's state.values as Slack sends them."""
    return {
        views.B_NAME: {"value": {"type": "plain_text_input", "value": name}},
        views.B_KIND: {"value": {"type": "static_select", "selected_option": {"value": kind}}},
        views.B_PERIOD: {"value": {"type": "plain_text_input", "value": period}},
        views.B_DUE: {"value": {"type": "datepicker", "selected_date": due}},
        views.B_TEAMS: {
            "value": {
                "type": "multi_static_select",
                "selected_options": [{"value": t} for t in teams or []],
            }
        },
        views.B_STEPS: {
            "value": {"type": "checkboxes", "selected_options": [{"value": s} for s in steps]}
        },
        views.B_PEERS: {"value": {"type": "number_input", "value": peers}},
    }


def pick_values(users: list[str]) -> dict[str, Any]:
    return {views.B_PICK: {"value": {"type": "multi_users_select", "selected_users": users}}}


def cycles(db: Database) -> list[ReviewCycle]:
    with db.session() as session:
        found = list(session.exec(select(ReviewCycle).order_by(ReviewCycle.id)).all())
        session.expunge_all()
    return found


def tasks(db: Database) -> list[ReviewTask]:
    with db.session() as session:
        found = list(session.exec(select(ReviewTask).order_by(ReviewTask.id)).all())
        session.expunge_all()
    return found
