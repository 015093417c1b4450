"""Double clicks and parallel clicks (threads, both databases) on Approve and Mark completed:
one status change, one DM to the rep, one card for HR; the later clicks are told who decided.
The same command or form delivered twice creates one request."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from bot.growth import training_form_views as form_views
from bot.growth import training_views as views
from demo.slack_requests import new_trigger_id
from tests.growth.training_support import NOW, click, requests, text_value, training_config, wait_dm
from tests.support.feedback import button_value, dump, opened_view

THREADS = 6


@pytest.fixture
def config():
    return training_config()


@pytest.fixture
def people(org, deps):
    deps.clock = lambda: NOW
    return org.standard()


def at_once(*sends: Callable[[], Any]) -> list[Any]:
    start = threading.Barrier(len(sends))
    out: list[Any] = [None] * len(sends)

    def run(i: int) -> None:
        start.wait()
        out[i] = sends[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sends))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert all(r is not None and r.status_code == 200 for r in out), out
    return out


def press(slack, user: str, action: str, value: str) -> Callable[[], Any]:
    return lambda: slack.block_action(user, action, value, channel_id="D" + user)


def test_parallel_approvals_act_once(slack, fake, db, people, inflight):
    slack.command("UALICE", "/training", "negotiation")
    value = button_value(wait_dm(fake, "UEMGR"), views.APPROVE)
    clickers = ["UEMGR", "UDIR"] * (THREADS // 2)
    at_once(*(press(slack, user, views.APPROVE, value) for user in clickers))
    assert inflight.wait_idle(20)
    [req] = requests(db)
    assert req.status == "approved" and req.decided_at is not None
    assert len(fake.dms_to("UALICE")) == 1 and len(fake.dms_to("UHR")) == 1
    winner = "UEMGR" if req.decided_by_id == people["east_mgr"].id else "UDIR"
    # every other click is told who decided
    told = [
        c for u in ("UEMGR", "UDIR") for c in fake.ephemerals(u) if "already handled" in dump([c])
    ]
    assert len(told) == THREADS - 1
    assert all(f"Approved by <@{winner}>" in dump([c]) for c in told)


def test_double_click_on_complete_acts_once(slack, fake, db, people, inflight):
    slack.command("UBOB", "/training", "prospecting")
    click(slack, "UEMGR", views.APPROVE, wait_dm(fake, "UEMGR"))
    card = wait_dm(fake, "UHR")
    wait_dm(fake, "UBOB")
    value = button_value(card, views.COMPLETE)
    at_once(*(press(slack, "UHR", views.COMPLETE, value) for _ in range(THREADS)))
    assert inflight.wait_idle(20)
    assert requests(db)[0].status == "completed"
    assert len(fake.dms_to("UBOB")) == 2  # approved, completed: once each
    assert "marked completed" in dump(fake.dms_to("UBOB")[1:])


def test_the_same_command_delivered_twice_creates_one_request(slack, fake, db, people, inflight):
    from urllib.parse import urlencode

    form = {
        "team_id": slack.team_id,
        "channel_id": "C0GENERAL",
        "user_id": "UALICE",
        "command": "/training",
        "text": "Cold calling",
        "response_url": fake.response_url("dup", user="UALICE"),
        "trigger_id": new_trigger_id(),
    }
    body = urlencode(form)
    at_once(*(lambda: slack.send(body, "application/x-www-form-urlencoded") for _ in range(4)))
    assert inflight.wait_idle(20)
    assert len(requests(db)) == 1 and len(fake.dms_to("UEMGR")) == 1


def test_the_same_form_submitted_twice_creates_one_request(slack, fake, db, people, inflight):
    slack.command("UXW", "/training", "申请")
    view = {**opened_view(fake), "id": "VDOUBLE"}
    values = text_value(form_views.B_TOPIC, "演讲技巧")
    at_once(*(lambda: slack.view_submission("UXW", view, values) for _ in range(4)))
    assert inflight.wait_idle(20)
    assert [r.topic for r in requests(db)] == ["演讲技巧"]
    assert len(fake.dms_to("UEMGR")) == 1 and fake.dms_to("UXW") == []
    assert len(fake.ephemerals("UXW")) == 1 and "<@UEMGR>" in dump(fake.ephemerals("UXW"))


def test_the_same_course_asked_twice_at_once_makes_one_request(slack, fake, db, people, inflight):
    at_once(*(lambda: slack.command("UBOB", "/training", "prospecting") for _ in range(4)))
    assert inflight.wait_idle(20)
    assert len(requests(db)) == 1 and len(fake.dms_to("UEMGR")) == 1
    assert len([c for c in fake.ephemerals("UBOB") if "already requested" in dump([c])]) == 3
