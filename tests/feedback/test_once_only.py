"""Limits and once-only actions under concurrency, through the real endpoint on both databases:
parallel /kudos against the daily limit, racing reactions, and the same command or view
submission delivered twice (a proxy replay, a double Enter)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from sqlmodel import col, select

from bot.core.config import AppConfig
from demo.slack_requests import SlackRequests, new_trigger_id
from storage.models.feedback import Feedback, Kudos
from tests.support.feedback import CONFIG, dump, modal_values, opened_view

THREADS = 8


@pytest.fixture
def config() -> AppConfig:
    return AppConfig.model_validate({**CONFIG, "kudos": {"max_recipients": 3, "daily_limit": 2}})


@pytest.fixture
def idle(inflight) -> Callable[[], None]:
    def wait() -> None:
        assert inflight.wait_idle(20), "listeners still running"

    return wait


def at_once(*sends: Callable[[], httpx.Response]) -> list[httpx.Response]:
    """Run the sends in parallel threads, released together by a barrier."""
    start = threading.Barrier(len(sends))
    out: list[Any] = [None] * len(sends)

    def run(i: int) -> None:
        start.wait()
        out[i] = sends[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sends))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert all(r is not None and r.status_code == 200 for r in out), out
    return out


def command_body(slack: SlackRequests, fake, user: str, command: str, text: str) -> str:
    """One slash command exactly as Slack sends it, to deliver more than once."""
    return urlencode(
        {
            "team_id": slack.team_id,
            "channel_id": "C0GENERAL",
            "user_id": user,
            "command": command,
            "text": text,
            "api_app_id": "A0SALESPULSE",
            "response_url": fake.response_url("cmd-dup", user=user),
            "trigger_id": new_trigger_id(),
        }
    )


def send_form(slack: SlackRequests, body: str) -> httpx.Response:
    return slack.send(body, "application/x-www-form-urlencoded")


def live_kudos(db) -> list[Kudos]:
    with db.session() as s:
        return list(s.exec(select(Kudos).where(col(Kudos.withdrawn_at).is_(None))).all())


def react(slack: SlackRequests, user: str, author: str, *, added: bool = True):
    return slack.event(
        {
            "type": "reaction_added" if added else "reaction_removed",
            "user": user,
            "reaction": "clap",
            "item_user": author,
            "item": {"type": "message", "channel": "CSALES", "ts": "1.000100"},
        }
    )


# --- the daily limit --------------------------------------------------------------------------


def test_parallel_kudos_from_one_giver_store_exactly_the_daily_limit(slack, fake, org, db, idle):
    org.standard()
    at_once(
        *[
            lambda n=n: slack.command("UALICE", "/kudos", f"<@UBOB> thanks {n}")
            for n in range(THREADS)
        ]
    )
    idle()
    replies = [dump([c]) for c in fake.ephemerals("UALICE")]
    assert len(replies) == THREADS
    assert sum("Kudos posted" in r for r in replies) == 2
    assert sum("today's limit of 2 kudos" in r for r in replies) == THREADS - 2
    assert len(live_kudos(db)) == 2
    assert len(fake.messages("CRECOG")) == 2 and len(fake.dms_to("UBOB")) == 2


# --- the emoji path ---------------------------------------------------------------------------


def test_parallel_reactions_give_one_live_kudos(slack, fake, org, db, idle):
    org.standard()
    at_once(*[lambda: react(slack, "UALICE", "UBOB") for _ in range(4)])  # 4 event ids
    idle()
    assert len(live_kudos(db)) == 1
    assert len(fake.messages("CRECOG")) == 1 and len(fake.dms_to("UBOB")) == 1
    assert fake.calls_to("chat.postEphemeral") == []  # the duplicates stay quiet


def test_add_remove_add_at_once_leaves_at_most_one_live_kudos(slack, fake, org, db, idle):
    org.standard()
    for _ in range(3):
        at_once(
            lambda: react(slack, "UALICE", "UBOB"),
            lambda: react(slack, "UALICE", "UBOB", added=False),
            lambda: react(slack, "UALICE", "UBOB"),
        )
        idle()
        assert len(live_kudos(db)) <= 1


# --- the same command or view submission delivered twice --------------------------------------


@pytest.mark.parametrize("parallel", [True, False], ids=["parallel", "sequential"])
def test_the_same_kudos_command_twice_posts_one_kudos(slack, fake, org, db, idle, parallel):
    org.standard()
    body = command_body(slack, fake, "UALICE", "/kudos", "<@UBOB> <@UXW> nailed the demo")
    if parallel:
        at_once(lambda: send_form(slack, body), lambda: send_form(slack, body))
    else:
        assert send_form(slack, body).status_code == 200
        idle()
        assert send_form(slack, body).status_code == 200
    idle()
    assert len(live_kudos(db)) == 1
    assert len(fake.messages("CRECOG")) == 1
    assert len(fake.dms_to("UBOB")) == 1 and len(fake.dms_to("UXW")) == 1
    [reply] = fake.ephemerals("UALICE")  # one confirmation, no error for the duplicate
    assert "Kudos posted" in dump([reply])


@pytest.mark.parametrize("parallel", [True, False], ids=["parallel", "sequential"])
def test_the_same_feedback_command_twice_stores_one(slack, fake, org, db, idle, parallel):
    org.standard()
    body = command_body(slack, fake, "UALICE", "/feedback", "<@UBOB> praise great follow-up")
    if parallel:
        at_once(lambda: send_form(slack, body), lambda: send_form(slack, body))
    else:
        send_form(slack, body)
        idle()
        send_form(slack, body)
    idle()
    with db.session() as s:
        assert len(s.exec(select(Feedback)).all()) == 1
    assert len(fake.dms_to("UBOB")) == 1
    assert len(fake.ephemerals("UALICE")) == 1


def test_the_same_feedback_request_twice_asks_once(slack, fake, org, idle):
    org.standard()
    body = command_body(slack, fake, "UALICE", "/feedback", "request <@UBOB> about Q3")
    at_once(lambda: send_form(slack, body), lambda: send_form(slack, body))
    idle()
    assert len(fake.dms_to("UBOB")) == 1


@pytest.mark.parametrize("parallel", [True, False], ids=["parallel", "sequential"])
def test_the_same_view_submission_twice_stores_one_feedback(slack, fake, org, db, idle, parallel):
    org.standard()
    slack.command("UALICE", "/feedback", "")
    view = {**opened_view(fake), "id": "VDUPLICATE1"}
    values = modal_values(recipients=["UBOB"], kind="praise", text="great pipeline review")

    def submit() -> httpx.Response:
        return slack.view_submission("UALICE", view, values)

    answers = at_once(submit, submit) if parallel else [submit(), submit()]
    idle()
    assert all(not a.content or "errors" not in a.json() for a in answers)
    with db.session() as s:
        assert len(s.exec(select(Feedback)).all()) == 1
    assert len(fake.dms_to("UBOB")) == 1
    assert len(fake.dms_to("UALICE")) == 1  # one confirmation


def test_a_refused_submission_can_be_corrected_and_resubmitted(slack, fake, org, db, idle):
    """The claim commits only with the feedback: a refused view (same view.id) still works."""
    org.standard()
    slack.command("UALICE", "/feedback", "")
    view = {**opened_view(fake), "id": "VRETRY1"}
    refused = slack.view_submission("UALICE", view, modal_values(recipients=["UBOB"], text=" "))
    assert refused.json()["response_action"] == "errors"
    slack.view_submission("UALICE", view, modal_values(recipients=["UBOB"], text="fixed it"))
    idle()
    with db.session() as s:
        assert len(s.exec(select(Feedback)).all()) == 1
    assert len(fake.dms_to("UBOB")) == 1
