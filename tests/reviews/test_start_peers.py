"""Peers: the rep picks exactly N colleagues in a modal, each gets a peer-review task by DM;
the rep's manager changes the choice (removed peers' open tasks are cancelled); nobody else
may nominate."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from bot.reviews import start_views as views
from tests.reviews.start_support import pick_values, start_values, tasks
from tests.support.feedback import button_value, dump, opened_view, reply_text

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def started(slack, fake, org, db, deps, inflight):
    deps.clock = lambda: T0
    people = org.standard()
    slack.command("UHR", "/review", "start")
    view = opened_view(fake)
    resp = slack.view_submission("UHR", view, start_values(steps=("self", "peer"), peers="2"))
    assert not resp.content
    assert inflight.wait_idle()
    assert len(fake.dms_to("UALICE")) == 1
    return people


def dm(fake, user: str, n: int):
    assert fake.wait_for(lambda: len(fake.dms_to(user)) >= n), fake.calls
    return fake.dms_to(user)[n - 1]


def nominate(slack, fake, user: str, action: str, value: str, users: list[str]):
    n = len(fake.views("open")) + 1
    slack.block_action(user, action, value, channel_id="D" + user)
    view = opened_view(fake, n)
    resp = slack.view_submission(user, view, pick_values(users))
    return view, (resp.json() if resp.content else None)


def peer_tasks(db, subject_id: int) -> dict[int, str]:
    return {
        t.reviewer_id: t.status
        for t in tasks(db)
        if t.role == "peer" and t.subject_id == subject_id
    }


def test_rep_nominates_and_manager_changes_peers(slack, fake, db, started, inflight):
    p = started
    first = dm(fake, "UALICE", 1)
    assert "• Choose 2 peers to review you" in first.params["text"]
    task_id = button_value(first, views.NOMINATE)
    view, resp = nominate(slack, fake, "UALICE", views.NOMINATE, task_id, ["UBOB", "UXW"])
    assert resp is None
    assert "Choose 2 colleagues to write a peer review of you." in dump([view])
    assert peer_tasks(db, p["alice"].id) == {p["bob"].id: "open", p["xiaowang"].id: "open"}
    nominate_task = next(t for t in tasks(db) if t.id == int(task_id))
    assert nominate_task.status == "done"
    bob = dm(fake, "UBOB", 2)  # his own cycle DM, then the peer task
    assert bob.params["text"] == (
        "<@UALICE> asked you for a peer review in “2026 Q4”, due Dec 31, 2026."
    )
    bob_task = next(t for t in tasks(db) if t.role == "peer" and t.reviewer_id == p["bob"].id)
    assert button_value(bob, views.OPEN_TASK) == str(bob_task.id)
    assert dm(fake, "UXW", 2).params["text"] == (
        "<@UALICE> 请你在「2026 Q4」中为其写同事评估，截止日期 2026年12月31日。"
    )
    assert dm(fake, "UALICE", 2).params["text"] == "Saved: <@UBOB>, <@UXW> will review you."
    eric = dm(fake, "UEMGR", 1)
    assert eric.params["text"] == (
        "<@UALICE> chose <@UBOB>, <@UXW> for their peer reviews in “2026 Q4”."
    )
    # The manager swaps 小王 for Carol: 小王's open task is cancelled, Carol gets one.
    view, resp = nominate(
        slack, fake, "UEMGR", views.CHANGE_PEERS, button_value(eric, views.CHANGE_PEERS),
        ["UBOB", "UCAROL"],
    )  # fmt: skip
    assert resp is None
    assert view["blocks"][1]["element"]["initial_users"] == ["UBOB", "UXW"]
    assert peer_tasks(db, p["alice"].id) == {
        p["bob"].id: "open", p["xiaowang"].id: "cancelled", p["carol"].id: "open",
    }  # fmt: skip
    assert dm(fake, "UXW", 3).params["text"] == "「2026 Q4」中你对 <@UALICE> 的同事评估已不再需要。"
    assert "<@UALICE> asked you for a peer review" in dm(fake, "UCAROL", 2).params["text"]
    assert dm(fake, "UEMGR", 2).params["text"] == "Saved: <@UBOB>, <@UCAROL> will review <@UALICE>."
    assert inflight.wait_idle()
    assert len(fake.dms_to("UBOB")) == 2  # Bob stays, and is not told twice
    assert len(fake.dms_to("UALICE")) == 2  # the rep does not learn the manager's new choice
    assert "UCAROL" not in dump(fake.dms_to("UALICE"))
    assert fake.violations == []


def test_a_double_submitted_nomination_counts_once(slack, fake, db, started, inflight):
    task_id = button_value(dm(fake, "UALICE", 1), views.NOMINATE)
    slack.block_action("UALICE", views.NOMINATE, task_id, channel_id="DUALICE")
    view = {**opened_view(fake, 2), "id": "VTWICE"}
    threads = [
        threading.Thread(
            target=slack.view_submission, args=("UALICE", view, pick_values(["UBOB", "UXW"]))
        )
        for _ in range(3)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert inflight.wait_idle()
    assert len(peer_tasks(db, started["alice"].id)) == 2
    assert len(fake.dms_to("UBOB")) == 2 and len(fake.dms_to("UEMGR")) == 1
    assert len(fake.dms_to("UALICE")) == 2  # the cycle DM and one confirmation


@pytest.mark.parametrize(
    ("users", "error"),
    [
        (["UBOB"], "Choose exactly 2 peers."),
        (["UBOB", "UXW", "UCAROL"], "Choose exactly 2 peers."),
        (["UALICE", "UBOB"], "You can't choose the person being reviewed."),
    ],
)
def test_the_choice_is_checked_and_nothing_is_written(slack, fake, db, started, users, error):
    task_id = button_value(dm(fake, "UALICE", 1), views.NOMINATE)
    _, resp = nominate(slack, fake, "UALICE", views.NOMINATE, task_id, users)
    assert resp == {"response_action": "errors", "errors": {views.B_PICK: error}}
    assert peer_tasks(db, started["alice"].id) == {}


@pytest.mark.parametrize("flag", ["deactivated", "is_bot"])
def test_a_bot_or_a_deactivated_colleague_cannot_be_chosen(slack, fake, db, started, flag):
    with db.session() as session:
        carol = session.get(type(started["carol"]), started["carol"].id)
        setattr(carol, flag, True)
        session.add(carol)
    task_id = button_value(dm(fake, "UALICE", 1), views.NOMINATE)
    _, resp = nominate(slack, fake, "UALICE", views.NOMINATE, task_id, ["UBOB", "UCAROL"])
    assert resp["errors"] == {
        views.B_PICK: "<@UCAROL> can't write reviews (a bot or a deactivated account)."
    }


@pytest.mark.parametrize("user", ["UBOB", "UWMGR", "UHR"])
def test_only_the_rep_and_their_managers_may_nominate(slack, fake, db, started, inflight, user):
    task_id = button_value(dm(fake, "UALICE", 1), views.NOMINATE)
    opened = len(fake.views("open"))
    slack.block_action(user, views.NOMINATE, task_id, channel_id="D" + user)
    assert "Sorry, this task is not yours." in reply_text(fake, user)
    assert inflight.wait_idle()
    assert len(fake.views("open")) == opened
    # Nor can they submit a forged nomination form.
    view = views.nominate_modal("en-US", int(task_id), 2, "UALICE", [], by_manager=True)
    resp = slack.view_submission(user, view, pick_values(["UBOB", "UXW"]))
    assert resp.json()["errors"] == {views.B_PICK: "Sorry, this task is not yours."}
    assert peer_tasks(db, started["alice"].id) == {}


def test_the_director_above_the_manager_may_change_peers(slack, fake, db, started):
    task_id = button_value(dm(fake, "UALICE", 1), views.NOMINATE)
    _, resp = nominate(slack, fake, "UDIR", views.CHANGE_PEERS, task_id, ["UBOB", "UCAROL"])
    assert resp is None
    assert set(peer_tasks(db, started["alice"].id)) == {started["bob"].id, started["carol"].id}
