"""A double submit of the review form stores once and confirms once, on both databases."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlmodel import func, select

from bot.core.config import AppConfig
from storage.models.core import Delivery
from storage.models.reviews import ReviewTask
from tests.support.review_tasks import form_values, press, rated, review_config, task_id
from tests.support.reviews import start_cycle


@pytest.fixture
def config() -> AppConfig:
    return review_config()


def test_the_same_submission_twice_at_once_stores_and_confirms_once(
    slack, fake, db, org, deps, inflight
):
    deps.clock = lambda: datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    people = org.standard()
    start_cycle(db, "T0001")
    alice = people["alice"]
    task = task_id(db, alice.id, alice.id, "self")
    view = {**press(slack, fake, "UALICE", task), "id": "VDOUBLE1"}  # type: ignore[dict-item]
    values = form_values(rated(), "once")
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: slack.view_submission("UALICE", view, values), range(4)))
    assert [a.status_code for a in answers] == [200] * 4
    assert all(not a.content for a in answers)  # no errors shown: the duplicates close quietly
    assert inflight.wait_idle()
    assert len(fake.dms_to("UALICE")) == 1
    with db.session() as s:
        done = s.get(ReviewTask, task)
        assert done is not None and done.status == "done" and done.comment == "once"
        keys = s.exec(select(func.count()).select_from(Delivery)).one()
        assert keys == 1
