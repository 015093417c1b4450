"""Once only, on both databases: the same command or form delivered twice records one
suggestion; parallel Acknowledge clicks and a Planned modal submitted twice change it once and
tell its author once. HR's Home and the list's 50-block limit."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from sqlmodel import select

from demo.slack_requests import new_trigger_id
from storage.models.improvement import Suggestion
from tests.improvement.suggest_support import (
    ACK,
    NOW,
    PLAN,
    at_once,
    click,
    form_values,
    suggest_config,
    suggestions,
    wait_dm,
)
from tests.support.feedback import button_value, dump, home_of, opened_view, reply_text
from tests.support.slack import all_text
from tests.support.zh_text import bad_emphasis, english_words, half_width_next_to_cjk

THREADS = 6


@pytest.fixture
def config():
    return suggest_config()


@pytest.fixture
def people(org, deps):
    deps.clock = lambda: NOW
    return org.standard()


def test_the_same_command_delivered_twice_records_one(slack, fake, db, people, inflight):
    form = {
        "team_id": slack.team_id,
        "channel_id": "C0GENERAL",
        "user_id": "UALICE",
        "command": "/suggest",
        "text": "Fewer meetings",
        "response_url": fake.response_url("dup", user="UALICE"),
        "trigger_id": new_trigger_id(),
    }
    body = urlencode(form)
    at_once(*(lambda: slack.send(body, "application/x-www-form-urlencoded") for _ in range(4)))
    assert inflight.wait_idle(20)
    assert len(suggestions(db)) == 1 and len(fake.dms_to("UHR")) == 1


def test_the_same_form_submitted_twice_records_one(slack, fake, db, people, inflight):
    slack.command("UBOB", "/suggest", "")
    view = {**opened_view(fake), "id": "VDOUBLE"}
    values = form_values("Shared calendar", share=True)
    at_once(*(lambda: slack.view_submission("UBOB", view, values) for _ in range(4)))
    assert inflight.wait_idle(20)
    assert len(suggestions(db)) == 1 and len(fake.dms_to("UHR")) == 1
    assert len(fake.dms_to("UBOB")) == 1  # one confirmation


def test_parallel_acknowledges_and_a_double_planned_act_once(slack, fake, db, people, inflight):
    slack.command("UALICE", "/suggest", "Better CRM fields")
    card = wait_dm(fake, "UHR")
    value = button_value(card, ACK)
    channel = card.params["channel"]
    container = {"type": "message", "channel_id": channel, "message_ts": "1.0"}
    at_once(
        *(
            lambda: slack.block_action("UHR", ACK, value, channel_id=channel, container=container)
            for _ in range(THREADS)
        )
    )
    assert inflight.wait_idle(20)
    assert suggestions(db)[0].status == "acknowledged" and len(fake.dms_to("UALICE")) == 1
    told = [
        c for c in fake.ephemerals("UHR") if "Nothing changed: Acknowledged by <@UHR>" in dump([c])
    ]
    assert len(told) == THREADS - 1
    click(slack, "UHR", PLAN, card)
    view = {**opened_view(fake), "id": "VPLAN"}
    values = {"sg_reply": {"value": {"type": "plain_text_input", "value": "In January"}}}
    at_once(*(lambda: slack.view_submission("UHR", view, values) for _ in range(4)))
    assert inflight.wait_idle(20)
    assert suggestions(db)[0].status == "planned" and len(fake.dms_to("UALICE")) == 2


def test_hr_home_shows_the_open_count_and_top_five_and_others_nothing(
    slack, fake, db, people, inflight
):
    for n in range(7):
        slack.command("UALICE", "/suggest", f"idea number {n}")
        reply_text(fake, "UALICE", n + 1)
    with db.session() as s:
        for row in s.exec(select(Suggestion)).all():
            row.votes = {"idea number 5": 9, "idea number 2": 4}.get(row.text, 0)
            s.add(row)
    home = home_of(slack, fake, "UHR")
    assert "*7* open suggestion(s)" in home
    assert home.index("idea number 5") < home.index("idea number 2") < home.index("idea number 0")
    assert "idea number 4" not in home  # sixth and seventh: not in the top five
    assert "Suggestion box" not in home_of(slack, fake, "UBOB")


def test_a_long_list_stays_within_one_message(slack, fake, db, people, inflight):
    with db.session() as s:
        for n in range(60):
            s.add(
                Suggestion(
                    team_id="T0001", author_id=people["bob"].id, text=f"idea {n}", created_at=NOW
                )
            )
    slack.command("UHR", "/suggest", "list")
    reply = fake.ephemerals("UHR")
    assert fake.wait_for(lambda: len(fake.ephemerals("UHR")) == 1)
    reply = fake.ephemerals("UHR")[0].params
    assert len(reply["blocks"]) <= 50 and "and 14 more" in dump([reply])
    slack.command("UBOB", "/suggest", "list")
    assert fake.wait_for(lambda: len(fake.ephemerals("UBOB")) == 1)
    mine = fake.ephemerals("UBOB")[0].params
    assert len(mine["blocks"]) <= 50 and "and 12 more" in dump([mine])


def test_chinese_texts_read_as_chinese(slack, fake, db, people, inflight):
    slack.command("UXW", "/suggest", "希望周报更简短")
    reply = reply_text(fake, "UXW")
    slack.command("UXW", "/suggest", "列表")
    reply_text(fake, "UXW", 2)
    slack.command("UXW", "/suggest", "帮助")
    reply_text(fake, "UXW", 3)
    for call in fake.ephemerals("UXW"):
        text = all_text(call.params)
        assert half_width_next_to_cjk(text) == [], text
        assert bad_emphasis(text) == [], text
        assert english_words(text) <= {"SalesPulse", "Slack", "KPI", "HR", "English"}, text
    assert "HR 已收到你的建议" in reply
