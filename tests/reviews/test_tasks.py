"""Doing a review through signed requests: the task button opens the form with the scorecard
the reviewer may see, submitting stores the review and confirms by DM, an edit pre-fills the
form until the due date; refusals change nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.core.config import AppConfig
from storage.models.reviews import ReviewCycle, ReviewTask
from tests.support.feedback import dump, reply_text
from tests.support.kpi_fixture import load
from tests.support.review_tasks import (
    forged_view,
    form_values,
    initial,
    option_values,
    press,
    rated,
    review_config,
    task_id,
)
from tests.support.reviews import start_cycle
from tests.support.slack import all_text, reply_to
from tests.support.zh_text import bad_emphasis, english_words, half_width_next_to_cjk

DEC_1 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
JAN_1 = datetime(2027, 1, 1, 2, 0, tzinfo=UTC)  # the day after the due date, in Shanghai


@pytest.fixture
def config() -> AppConfig:
    return review_config()


@pytest.fixture
def clock(deps):
    now = {"t": DEC_1}
    deps.clock = lambda: now["t"]
    return now


@pytest.fixture
def people(org, db):
    people = org.standard()
    load(db, "T0001", people)
    start_cycle(db, "T0001")
    return people


def dm_text(fake, user: str, n: int = 1) -> str:
    assert fake.wait_for(lambda: len(fake.dms_to(user)) >= n), fake.calls
    return all_text(fake.dms_to(user)[n - 1].params)


def stored(db, task: int) -> ReviewTask:
    with db.session() as s:
        found = s.get(ReviewTask, task)
        assert found is not None
        s.expunge(found)
        return found


def metric_lines(payload: dict) -> list[str]:
    """The scorecard's metric sections: the figures as /kpi shows them."""
    return [
        b["text"]["text"]
        for b in payload["blocks"]
        if b.get("type") == "section" and "`" in b["text"]["text"] and "%" in b["text"]["text"]
    ]


def test_self_review_shows_my_kpi_numbers_then_stores_and_confirms(
    slack, fake, db, people, clock, inflight
):
    alice = people["alice"]
    task = task_id(db, alice.id, alice.id, "self")
    slack.command("UALICE", "/kpi", "2026-Q4")
    kpi_lines = metric_lines(reply_to(fake, "UALICE")[0])
    assert any("¥270,001" in line for line in kpi_lines), kpi_lines
    view = press(slack, fake, "UALICE", task)
    assert view is not None
    shown = dump([view])
    assert "*Self review* for “2026 Q4” · due Dec 31, 2026" in shown
    for line in kpi_lines:  # the same numbers /kpi shows, above the inputs
        assert line in [b.get("text", {}).get("text") for b in view["blocks"]], line
    assert option_values(view, "closing") == [
        "1 · Needs improvement",
        "2 · Below expectations",
        "3 · Meets expectations",
        "4 · Exceeds expectations",
        "5 · Outstanding",
    ]
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert labels == ["Closing deals", "Customer focus", "Teamwork", "Comment"]
    resp = slack.view_submission("UALICE", view, form_values(rated(), "Closed the Acme deal"))
    assert resp.status_code == 200 and not resp.content
    assert dm_text(fake, "UALICE") == (
        "Thanks! Your self review in “2026 Q4” is saved. You can change it until Dec 31, 2026.\n"
        "Thanks! Your self review in “2026 Q4” is saved. You can change it until Dec 31, 2026."
    )
    done = stored(db, task)
    assert done.status == "done" and done.comment == "Closed the Acme deal"
    assert done.ratings == {"closing": 4, "customer": 5, "teamwork": 3}
    assert done.submitted_at is not None
    assert inflight.wait_idle()
    assert len(fake.dms_to("UALICE")) == 1


def test_chinese_self_review(slack, fake, db, people, clock, inflight):
    xw = people["xiaowang"]
    view = press(slack, fake, "UXW", task_id(db, xw.id, xw.id, "self"))
    assert view is not None
    assert option_values(view, "closing")[4] == "5 · 卓越"
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert labels == ["成交能力", "客户导向", "团队协作", "评语"]
    assert view["title"]["text"] == "绩效评估" and view["submit"]["text"] == "提交"
    intro = view["blocks"][0]["text"]["text"]
    assert intro == "「2026 Q4」的 *自评* · 截止日期 2026年12月31日"
    slack.view_submission("UXW", view, form_values(rated("5", "4", "4"), "很好"))
    text = dm_text(fake, "UXW").split("\n")[0]
    assert text == "谢谢！你在「2026 Q4」中的自评已保存，2026年12月31日 前仍可修改。"
    for shown in (intro, text):
        assert half_width_next_to_cjk(shown) == [] and bad_emphasis(shown) == []
        assert english_words(shown) <= {"Q"}


def test_manager_sees_the_reports_scorecard_and_a_peer_sees_no_numbers(
    slack, fake, db, people, clock, inflight
):
    alice, bob, mgr = people["alice"], people["bob"], people["east_mgr"]
    view = press(slack, fake, "UEMGR", task_id(db, alice.id, mgr.id, "manager"))
    assert view is not None
    assert "*Manager review* of <@UALICE> for “2026 Q4”" in dump([view])
    assert "Alice Wong" in dump([view]) and "¥270,001" in dump([view])
    slack.view_submission("UEMGR", view, form_values(rated("3", "3", "4"), "Steady"))
    assert "Your manager review of <@UALICE> in “2026 Q4” is saved" in dm_text(fake, "UEMGR")
    # a peer task (as the nomination step creates them)
    with db.session() as s:
        peer = ReviewTask(
            team_id="T0001", cycle_id=1, subject_id=alice.id, reviewer_id=bob.id, role="peer"
        )
        s.add(peer)
        s.flush()
        peer_id = peer.id
    view = press(slack, fake, "UBOB", peer_id)
    assert view is not None
    shown = dump([view])
    assert "*Peer review* of <@UALICE>" in shown
    assert "Numbers are not shown in peer reviews" in shown
    assert "¥" not in shown and "%" not in shown and "Alice Wong" not in shown


def test_someone_elses_task_id_is_refused_and_nothing_changes(
    slack, fake, db, people, clock, inflight
):
    alice = people["alice"]
    task = task_id(db, alice.id, alice.id, "self")
    assert press(slack, fake, "UBOB", task) is None
    assert "Sorry, that review task isn't yours, or it doesn't exist." in reply_text(fake, "UBOB")
    assert press(slack, fake, "UBOB", 9999) is None  # no such task: the same words
    refusals = [c.params["text"] for c in fake.ephemerals("UBOB")]
    assert refusals[0] == refusals[1]
    # a forged submission naming Alice's task
    resp = slack.view_submission("UBOB", forged_view(task), form_values(rated("1", "1", "1")))
    assert resp.json()["response_action"] == "errors"
    assert "isn't yours" in json.dumps(resp.json()["errors"])
    for metadata in ("not json", '["x"]', '{"task": "1"}', '{"task": true}'):
        forged = {**forged_view(task), "private_metadata": metadata}
        resp = slack.view_submission("UBOB", forged, form_values(rated()))
        assert "isn't yours" in json.dumps(resp.json()["errors"]), metadata
    # Alice's manager and HR may not write her self review either
    for user in ("UEMGR", "UHR"):
        resp = slack.view_submission(user, forged_view(task), form_values(rated()))
        assert resp.json()["response_action"] == "errors"
    assert inflight.wait_idle()
    untouched = stored(db, task)
    assert untouched.status == "open" and untouched.ratings is None
    assert fake.views("open") == [] and fake.dms_to("UBOB") == []


def test_edit_until_the_due_date_then_closed_for_edits(slack, fake, db, people, clock, inflight):
    alice = people["alice"]
    task = task_id(db, alice.id, alice.id, "self")
    view = press(slack, fake, "UALICE", task)
    slack.view_submission("UALICE", view, form_values(rated(), "first"))
    dm_text(fake, "UALICE")
    again = press(slack, fake, "UALICE", task)
    assert again is not None
    assert initial(again, "rv_rate_closing") == "4" and initial(again, "rv_comment") == "first"
    assert "You submitted this review already: change it until Dec 31, 2026." in dump([again])
    slack.view_submission("UALICE", again, form_values(rated("2", "2", "2"), "second"))
    assert dm_text(fake, "UALICE", 2).startswith("Your self review in “2026 Q4” is updated.")
    edited = stored(db, task)
    assert edited.ratings == {"closing": 2, "customer": 2, "teamwork": 2}
    assert edited.comment == "second"
    # after the due date (in Alice's time zone): closed for edits, the form too
    clock["t"] = JAN_1
    assert press(slack, fake, "UALICE", task) is None
    assert "The due date of “2026 Q4” has passed: your review is closed for edits." in (
        reply_text(fake, "UALICE")
    )
    resp = slack.view_submission("UALICE", again, form_values(rated("5", "5", "5"), "third"))
    assert "closed for edits" in json.dumps(resp.json()["errors"])
    assert stored(db, task).comment == "second"


def test_an_open_task_can_still_be_done_late(slack, fake, db, people, clock, inflight):
    bob = people["bob"]
    clock["t"] = JAN_1
    view = press(slack, fake, "UBOB", task_id(db, bob.id, bob.id, "self"))
    assert view is not None
    slack.view_submission("UBOB", view, form_values(rated()))
    assert "is saved" in dm_text(fake, "UBOB")


def test_closed_cycle_and_cancelled_task_are_refused(slack, fake, db, people, clock, inflight):
    alice, bob = people["alice"], people["bob"]
    cancelled = task_id(db, bob.id, bob.id, "self")
    own = task_id(db, alice.id, alice.id, "self")
    with db.session() as s:
        s.get(ReviewTask, cancelled).status = "cancelled"  # type: ignore[union-attr]
    assert press(slack, fake, "UBOB", cancelled) is None
    assert "This review task in “2026 Q4” was cancelled." in reply_text(fake, "UBOB")
    view = press(slack, fake, "UALICE", own)
    with db.session() as s:
        s.get(ReviewCycle, 1).status = "closed"  # type: ignore[union-attr]
    resp = slack.view_submission("UALICE", view, form_values(rated()))
    assert "is closed: reviews can no longer be written or changed" in json.dumps(
        resp.json()["errors"]
    )
    assert press(slack, fake, "UALICE", own) is None
    assert "The review cycle “2026 Q4” is closed" in reply_text(fake, "UALICE")
    assert stored(db, own).status == "open"


def test_a_missing_rating_is_shown_under_it(slack, fake, db, people, clock, inflight):
    alice = people["alice"]
    task = task_id(db, alice.id, alice.id, "self")
    view = press(slack, fake, "UALICE", task)
    resp = slack.view_submission("UALICE", view, form_values({**rated(), "teamwork": None}))
    assert resp.json() == {
        "response_action": "errors",
        "errors": {"rv_rate_teamwork": "Choose a rating from 1 to 5."},
    }
    assert stored(db, task).status == "open"
