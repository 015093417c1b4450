"""Helpers for the tests of doing reviews: the config (KPI metrics, team names), the review
form's values as Slack sends them, and pressing a task's button."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from bot.core.config import AppConfig
from bot.reviews import task_views
from demo.slack_emulator import FakeSlack
from demo.slack_requests import SlackRequests
from storage.db import Database
from storage.models.reviews import ReviewTask
from tests.support.feedback import CONFIG
from tests.support.kpi_fixture import kpi_config

COMPETENCIES = ("closing", "customer", "teamwork")


def review_config() -> AppConfig:
    teams = {
        "east": {"channel": "CEAST", "name_en": "East", "name_zh": "华东"},
        "west": {"channel": "CWEST", "name_en": "West", "name_zh": "华西"},
    }
    return kpi_config(AppConfig.model_validate({**CONFIG, "teams": teams}))


def form_values(ratings: dict[str, str | None], comment: str = "") -> dict[str, Any]:
    values: dict[str, Any] = {
        task_views.B_COMMENT: {"value": {"type": "plain_text_input", "value": comment}}
    }
    for key, chosen in ratings.items():
        option = {"value": chosen} if chosen is not None else None
        values[task_views.RATING_BLOCK + key] = {
            "value": {"type": "static_select", "selected_option": option}
        }
    return values


def rated(closing: str = "4", customer: str = "5", teamwork: str = "3") -> dict[str, str | None]:
    return {"closing": closing, "customer": customer, "teamwork": teamwork}


def task_id(db: Database, subject: int, reviewer: int, role: str) -> int:
    with db.session() as s:
        for task in s.exec(select(ReviewTask)).all():
            if (task.subject_id, task.reviewer_id, task.role) == (subject, reviewer, role):
                assert task.id is not None
                return task.id
    raise AssertionError(f"no {role} task of {reviewer} about {subject}")


def press(slack: SlackRequests, fake: FakeSlack, user: str, task: int) -> dict[str, Any] | None:
    """Press the task's button; the modal opened (None when a refusal came instead)."""
    views, notes = len(fake.views("open")), len(fake.ephemerals(user))
    slack.block_action(user, task_views.OPEN_TASK, str(task), channel_id="D" + user)
    assert fake.wait_for(
        lambda: len(fake.views("open")) > views or len(fake.ephemerals(user)) > notes
    ), fake.calls
    if len(fake.views("open")) == views:
        return None
    return fake.views("open")[-1].params["view"]


def forged_view(task: int) -> dict[str, Any]:
    """A review form as if opened for `task` (its private_metadata names the task)."""
    return {
        "type": "modal",
        "callback_id": task_views.MODAL,
        "private_metadata": json.dumps({"task": task}),
        "blocks": [],
    }


def option_values(view: dict[str, Any], key: str) -> list[str]:
    for block in view["blocks"]:
        if block.get("block_id") == task_views.RATING_BLOCK + key:
            return [o["text"]["text"] for o in block["element"]["options"]]
    raise AssertionError(f"no rating for {key}")


def initial(view: dict[str, Any], block_id: str) -> Any:
    for block in view["blocks"]:
        if block.get("block_id") == block_id:
            element = block["element"]
            return (element.get("initial_option") or {}).get("value") or element.get(
                "initial_value"
            )
    raise AssertionError(block_id)
