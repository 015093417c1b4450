"""/review start: HR's modal opens a cycle through signed requests; everyone with tasks gets
one DM listing them (in their language); anyone else is refused without a form; errors show
on the field; a double submit opens one cycle."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from bot.reviews import start_views as views
from tests.reviews.start_support import cycles, start_values, tasks
from tests.support.feedback import PEOPLE, button_value, dump, opened_view, reply_text

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


@pytest.fixture
def clock(deps):
    now = {"t": T0}
    deps.clock = lambda: now["t"]
    return now


def wait_dm(fake, user: str, n: int = 1):
    assert fake.wait_for(lambda: len(fake.dms_to(user)) >= n), fake.calls
    return fake.dms_to(user)[n - 1]


def submit(slack, fake, inflight, values, n_view: int = 1, view_id: str | None = None):
    """/review start as HR, submit the form; returns once the bot has finished with it."""
    slack.command("UHR", "/review", "start")
    view = opened_view(fake, n_view)
    if view_id:
        view = {**view, "id": view_id}
    resp = slack.view_submission("UHR", view, values)
    assert resp.status_code == 200
    assert inflight.wait_idle()  # the cycle opens after the form is answered
    return view, (resp.json() if resp.content else None)


def test_hr_starts_a_cycle_and_everyone_with_tasks_gets_one_dm(
    slack, fake, org, db, clock, inflight
):
    people = org.standard()
    view, resp = submit(slack, fake, inflight, start_values())
    assert resp is None  # the modal closes
    assert view["callback_id"] == views.START_MODAL
    assert {b["block_id"] for b in view["blocks"] if b["type"] == "input"} == {
        views.B_NAME, views.B_KIND, views.B_PERIOD, views.B_DUE, views.B_TEAMS, views.B_STEPS,
        views.B_PEERS,
    }  # fmt: skip
    teams = next(b for b in view["blocks"] if b["block_id"] == views.B_TEAMS)
    assert [o["value"] for o in teams["element"]["options"]] == ["east", "west"]
    [cycle] = cycles(db)
    assert (cycle.name, cycle.kind, cycle.period, str(cycle.due)) == (
        "2026 Q4", "quarterly", "2026-Q4", "2026-12-31",
    )  # fmt: skip
    assert len(tasks(db)) == 8  # 4 reps: a self review each, a manager review each
    done = wait_dm(fake, "UHR")
    assert done.params["text"] == (
        f"Opened review cycle “2026 Q4” (id {cycle.id}): 8 tasks for 6 people."
    )
    alice = wait_dm(fake, "UALICE")
    assert alice.params["text"] == (
        "Review cycle “2026 Q4” is open. Your tasks (1), due Dec 31, 2026:\n• Your self review"
    )
    mine = [t for t in tasks(db) if t.role == "self" and t.subject_id == people["alice"].id]
    assert button_value(alice, views.OPEN_TASK) == str(mine[0].id)
    eric = wait_dm(fake, "UEMGR")
    assert "Your tasks (3)" in eric.params["text"]
    for rep in ("UALICE", "UBOB", "UXW"):
        assert f"• Manager review of <@{rep}>" in eric.params["text"]
    assert "UCAROL" not in eric.params["text"]
    xw = wait_dm(fake, "UXW")
    assert xw.params["text"] == (
        "评估周期「2026 Q4」已开启。你的任务（1 项），截止日期 2026年12月31日：\n• 你的自评"
    )
    assert "打开" in dump([xw])
    assert "Manager review of <@UCAROL>" in wait_dm(fake, "UWMGR").params["text"]
    assert inflight.wait_idle()
    for user in PEOPLE:  # one DM each, nothing to those without tasks
        expected = 0 if user == "UDIR" else 1
        assert len(fake.dms_to(user)) == expected, user
    assert fake.violations == []  # the modal and the DMs keep Block Kit's limits


def test_a_long_task_list_fits_one_message():
    lines = [views.TaskLine(i, "manager", f"U{i}") for i in range(1, 80)]
    dm = views.tasks_dm("en-US", "2026 Q4", "Dec 31, 2026", lines)
    assert len(dm["blocks"]) == 50
    assert dm["blocks"][-1]["elements"][0]["text"] == "More tasks: see `/review`."
    assert dm["text"].count("• Manager review of") == 79


def test_chosen_teams_only(slack, fake, org, db, clock, inflight):
    org.standard()
    submit(slack, fake, inflight, start_values(teams=["west"]))
    assert [c.teams for c in cycles(db)] == [["west"]]
    wait_dm(fake, "UHR")
    assert "Your self review" in wait_dm(fake, "UCAROL").params["text"]
    assert "Manager review of <@UCAROL>" in wait_dm(fake, "UWMGR").params["text"]
    assert inflight.wait_idle()
    for user in ("UALICE", "UBOB", "UXW", "UEMGR", "UDIR"):
        assert fake.dms_to(user) == [], user


@pytest.mark.parametrize("user", ["UALICE", "UEMGR", "UDIR"])
def test_anyone_but_hr_is_refused_without_a_form(slack, fake, org, db, clock, inflight, user):
    org.standard()
    slack.command(user, "/review", "start")
    assert "Sorry, only HR and admins can do that." in reply_text(fake, user)
    assert inflight.wait_idle()
    assert fake.views("open") == []
    assert cycles(db) == []


def test_a_forged_submission_by_a_rep_writes_nothing(slack, fake, org, db, clock, inflight):
    org.standard()
    submit(slack, fake, inflight, start_values())  # HR's form, then the same form sent as a rep
    view = opened_view(fake)
    resp = slack.view_submission("UALICE", view, start_values(name="mine"))
    assert resp.json() == {
        "response_action": "errors",
        "errors": {views.B_NAME: "Sorry, only HR and admins can do that."},
    }
    assert [c.name for c in cycles(db)] == ["2026 Q4"]


@pytest.mark.parametrize(
    ("values", "block", "error"),
    [
        (
            {"due": "2026-11-01"},
            views.B_DUE,
            "The due date 2026-11-01 is in the past: choose today or a later day.",
        ),
        (
            {"period": "2026-11"},
            views.B_PERIOD,
            "`2026-11` is not a period of a quarterly cycle: use e.g. 2026-11 (monthly), "
            "2026-Q4 (quarterly) or 2026 (annual).",
        ),
        ({"steps": ()}, views.B_STEPS, "Choose the steps among self, manager and peer."),
        (
            {"steps": ("peer",), "peers": "0"},
            views.B_PEERS,
            "The number of peers must be between 1 and 10.",
        ),
        ({"name": "  "}, views.B_NAME, "Give the cycle a name of at most 200 characters."),
    ],
)
def test_errors_show_on_their_field_and_nothing_is_written(
    slack, fake, org, db, clock, inflight, values, block, error
):
    org.standard()
    _, resp = submit(slack, fake, inflight, start_values(**values))
    assert resp == {"response_action": "errors", "errors": {block: error}}
    assert cycles(db) == [] and tasks(db) == []


def test_duplicate_name_is_an_error_on_the_name_in_chinese_too(
    slack, fake, org, db, clock, inflight
):
    people = org.standard()
    submit(slack, fake, inflight, start_values())
    assert wait_dm(fake, "UHR")
    with db.session() as session:
        hr = session.get(type(people["hr"]), people["hr"].id)
        hr.locale = "zh-CN"
        session.add(hr)
    _, resp = submit(slack, fake, inflight, start_values(period="2026-Q3"), n_view=2)
    assert resp == {
        "response_action": "errors",
        "errors": {views.B_NAME: "已经有名为「2026 Q4」的周期：请换一个名称。"},
    }
    assert [c.period for c in cycles(db)] == ["2026-Q4"] and len(tasks(db)) == 8


def test_a_double_submit_opens_one_cycle_and_sends_each_dm_once(
    slack, fake, org, db, clock, inflight
):
    org.standard()
    slack.command("UHR", "/review", "start")
    view = {**opened_view(fake), "id": "VDOUBLE"}
    answers = []

    def send() -> None:
        answers.append(slack.view_submission("UHR", view, start_values()).status_code)

    threads = [threading.Thread(target=send) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert answers == [200, 200, 200]
    assert inflight.wait_idle()
    assert len(cycles(db)) == 1 and len(tasks(db)) == 8
    for user in ("UHR", "UALICE", "UEMGR", "UXW"):
        assert len(fake.dms_to(user)) == 1, user


def test_two_hr_forms_with_one_name_at_once_open_one_cycle(slack, fake, org, db, clock, inflight):
    org.standard()
    org.person("UADMIN", "Ada Admin", team=None, role="admin")
    forms = []
    for user in ("UHR", "UADMIN"):
        slack.command(user, "/review", "start")
        forms.append((user, opened_view(fake, len(forms) + 1)))
    answers: list[dict | None] = []

    def send(user: str, view: dict) -> None:
        resp = slack.view_submission(user, view, start_values())
        answers.append(resp.json() if resp.content else None)

    threads = [threading.Thread(target=send, args=form) for form in forms]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    refusal = "A cycle named “2026 Q4” exists already: choose another name."
    assert inflight.wait_idle()
    # The loser hears it on the form, or (both forms checked before either wrote) by DM.
    on_form = [a for a in answers if a is not None]
    by_dm = [c for u in ("UHR", "UADMIN") for c in fake.dms_to(u) if c.params["text"] == refusal]
    assert len(on_form) + len(by_dm) == 1
    assert on_form in ([], [{"response_action": "errors", "errors": {views.B_NAME: refusal}}])
    assert inflight.wait_idle()
    assert len(cycles(db)) == 1 and len(tasks(db)) == 8
    assert len(fake.dms_to("UALICE")) == 1
