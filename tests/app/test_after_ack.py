"""/kpi and /kudos ack first and do their work on the after-ack pool (handlers/after_ack.py):
work stuck behind Slack does not hold up anyone's ack, and it answers everyone once Slack
does; a failure in that work reaches the user exactly as a listener's failure does; work
starts when no ack is waiting, or after its longest pause."""

from __future__ import annotations

import threading
import time

import pytest

from handlers.after_ack import Acks
from handlers.app import LISTENER_THREADS
from tests.support.feedback import reply_text

NEWCOMERS = [f"UNEW{i:02d}" for i in range(LISTENER_THREADS + 8)]  # more than the listener pool


@pytest.fixture
def newcomers(fake, org):
    """People Slack knows and the directory doesn't: their first command asks users.info."""
    org.standard()
    for slack_id in NEWCOMERS:
        fake.add_user(slack_id, name=slack_id.lower(), real_name=f"New {slack_id}")
    return NEWCOMERS


def test_acks_do_not_wait_for_work_stuck_behind_slack(slack, fake, newcomers, inflight):
    """Before: the work ran on in the listener's thread, so once 32 of them waited for
    users.info the next command's ack waited too, and got Bolt's 404 after 3 s."""
    fake.hold("users.info")
    acks: list[tuple[int, float]] = []
    try:
        for slack_id in newcomers:
            started = time.monotonic()
            resp = slack.command(slack_id, "/kpi", "month")
            acks.append((resp.status_code, time.monotonic() - started))
        started = time.monotonic()
        resp = slack.command("UALICE", "/kudos", "<@UBOB|bob> nailed the demo")
        acks.append((resp.status_code, time.monotonic() - started))
        assert fake.wait_for(lambda: len(fake.calls_to("users.info")) >= 1)
        assert fake.ephemerals() == []  # all of it still waits for Slack
    finally:
        fake.release()
    assert [status for status, _ in acks] == [200] * (len(newcomers) + 1)
    slowest = max(took for _, took in acks)
    assert slowest < 1.5, f"an ack took {slowest:.2f} s"
    assert inflight.wait_idle(30)
    for slack_id in newcomers:  # each newcomer got their own scorecard, once
        assert "No KPI data for" in reply_text(fake, slack_id)  # nobody has facts here
        assert len(fake.ephemerals(slack_id)) == 1
    assert len(fake.calls_to("users.info")) == len(newcomers)
    assert "Kudos posted for" in reply_text(fake, "UALICE")
    assert len(fake.messages("CRECOG")) == 1 and len(fake.dms_to("UBOB")) == 1


def test_a_failure_after_the_ack_reaches_the_user(slack, fake, newcomers, inflight):
    fake.fail_next("users.info", status=200, error="fatal_error")
    resp = slack.command("UNEW00", "/kpi", "month")
    assert resp.status_code == 200 and resp.content == b""  # acknowledged, nothing more
    assert "something went wrong on our side" in reply_text(fake, "UNEW00")
    assert inflight.wait_idle()
    assert len(fake.ephemerals("UNEW00")) == 1


def test_a_refusal_after_the_ack_reaches_only_the_user(slack, fake, newcomers, inflight):
    resp = slack.command("UALICE", "/kudos", "<@UALICE|alice> me, myself")
    assert resp.status_code == 200 and resp.content == b""
    assert "yourself" in reply_text(fake, "UALICE")
    assert inflight.wait_idle()
    assert fake.messages("CRECOG") == [] and fake.dms_to("UALICE") == []


def test_work_starts_once_no_ack_is_waiting():
    acks, order = Acks(), []
    worker = threading.Thread(target=lambda: (acks.wait_idle(10), order.append("work")))
    with acks:  # a request being answered
        worker.start()
        worker.join(0.3)
        assert worker.is_alive()
        order.append("ack")
    worker.join(5)
    assert order == ["ack", "work"]


def test_work_starts_anyway_after_max_pause():
    acks = Acks()
    with acks:  # an endless stream of acks, say
        started = time.monotonic()
        acks.wait_idle(0.2)
        assert 0.19 <= time.monotonic() - started < 2
