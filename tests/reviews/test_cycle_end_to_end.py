"""One review cycle from start to close, the way people and the scheduler drive it: signed
requests and modal submissions for people, the `review-reminders` job run at chosen instants
for time (deps.clock moved with it), and only what the fake Slack recorded asserted on.

East team, November 2026 (the KPI fixture's numbers): Alice, Bob and 小王 in Shanghai, Lara in
Los Angeles, all under Eric; the cycle is due Wednesday Dec 2 (7 days before: Wed Nov 25; 3
days before: Sunday Nov 29, which moves to Monday Nov 30)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.core.config import AppConfig
from bot.features import find_job
from bot.reviews import start_views as views
from handlers.cli import cli
from tests.reviews.start_support import cycles, pick_values, start_values, tasks
from tests.reviews.test_export import config_toml
from tests.support.feedback import button_value, dump, opened_view, reply_text
from tests.support.kpi_fixture import load
from tests.support.review_tasks import (
    forged_view,
    form_values,
    press,
    rated,
    review_config,
    task_id,
)
from tests.support.slack import all_text

SH = timezone(timedelta(hours=8))
LA = timezone(timedelta(hours=-8))  # late November: PST
DUE = "2026-12-02"  # a Wednesday


def at(day: int, hh: int, mm: int, tz: timezone = SH, month: int = 11) -> datetime:
    return datetime(2026, month, day, hh, mm, tzinfo=tz)


@pytest.fixture
def config() -> AppConfig:
    return review_config()


@pytest.fixture
def clock(deps):
    now = {"t": at(2, 10, 0)}  # Monday Nov 2, 10:00 in Shanghai
    deps.clock = lambda: now["t"]
    return now


@pytest.fixture
def people(org, db):
    found = org.standard()
    found["lara"] = org.person(
        "ULARA", "Lara Lopez", manager=found["east_mgr"], timezone="America/Los_Angeles"
    )
    load(db, "T0001", found)
    return found


def texts(fake, user: str) -> list[str]:
    return [all_text(c.params) for c in fake.dms_to(user)]


def dm(fake, user: str, n: int) -> str:
    assert fake.wait_for(lambda: len(fake.dms_to(user)) >= n), texts(fake, user)
    return all_text(fake.dms_to(user)[n - 1].params)


def counts(fake) -> dict[str, int]:
    found: dict[str, int] = {}
    for call in fake.messages():
        who = call.params["channel"].removeprefix("D")
        found[who] = found.get(who, 0) + 1
    return found


def review(slack, fake, inflight, user: str, task: int, values: dict) -> dict:
    """Press the task's button (views.open recorded), submit the form as Slack sends it."""
    view = press(slack, fake, user, task)
    assert view is not None, fake.ephemerals(user)
    resp = slack.view_submission(user, view, values)
    assert resp.status_code == 200 and not resp.content, resp.content
    assert inflight.wait_idle()
    return view


def test_one_cycle_from_start_to_close(  # one story, told in order
    slack, fake, db, deps, people, clock, inflight, tmp_path, monkeypatch
):
    p = people
    job = find_job("review-reminders")
    assert job is not None

    def tick(instant: datetime) -> dict[str, int]:
        """Run the job as of `instant` (the clock too); the DMs it sent, per person."""
        before = counts(fake)
        clock["t"] = instant
        job.func(deps, instant)
        assert inflight.wait_idle()
        after = counts(fake)
        return {u: n - before.get(u, 0) for u, n in after.items() if n != before.get(u, 0)}

    # 1. A rep cannot start a cycle: refused, no form, nothing written.
    slack.command("UALICE", "/review", "start")
    assert "Sorry, only HR and admins can do that." in reply_text(fake, "UALICE")
    assert inflight.wait_idle()
    assert fake.views("open") == [] and cycles(db) == [] and tasks(db) == []

    # HR starts it: self, manager, peer (1 peer), team east.
    slack.command("UHR", "/review", "start")
    form = opened_view(fake)
    values = start_values(
        name="Nov 2026", kind="monthly", period="2026-11", due=DUE, teams=["east"],
        steps=("self", "manager", "peer"), peers="1",
    )  # fmt: skip
    resp = slack.view_submission("UHR", form, values)
    assert resp.status_code == 200 and not resp.content
    assert inflight.wait_idle()
    [cycle] = cycles(db)
    assert (cycle.period, str(cycle.due), cycle.teams) == ("2026-11", DUE, ["east"])
    # 4 reps: a self review, a manager review and a nomination each
    assert sorted(t.role for t in tasks(db)) == ["manager"] * 4 + ["nominate"] * 4 + ["self"] * 4
    assert f"(id {cycle.id}): 12 tasks for 5 people." in dm(fake, "UHR", 1)
    for rep in ("UALICE", "UBOB", "UXW", "ULARA"):
        assert len(fake.dms_to(rep)) == 1, rep
    alice_dm = fake.dms_to("UALICE")[0]
    assert "Your tasks (2), due Dec 2, 2026" in all_text(alice_dm.params)
    assert "• Your self review" in alice_dm.params["text"]
    assert "• Choose 1 peer" in alice_dm.params["text"]
    eric = dm(fake, "UEMGR", 1)
    assert "Your tasks (4)" in eric
    assert all(f"Manager review of <@{r}>" in eric for r in ("UALICE", "UBOB", "UXW", "ULARA"))
    assert counts(fake) == {"UHR": 1, "UALICE": 1, "UBOB": 1, "UXW": 1, "ULARA": 1, "UEMGR": 1}

    # 2. Alice nominates Bob; Bob gets a peer-review task DM.
    slack.block_action(
        "UALICE", views.NOMINATE, button_value(alice_dm, views.NOMINATE), channel_id="DUALICE"
    )
    pick = opened_view(fake, 2)
    resp = slack.view_submission("UALICE", pick, pick_values(["UBOB"]))
    assert resp.status_code == 200 and not resp.content
    assert inflight.wait_idle()
    assert dm(fake, "UBOB", 2).startswith(
        "<@UALICE> asked you for a peer review in “Nov 2026”, due Dec 2, 2026."
    )
    peer_task = task_id(db, p["alice"].id, p["bob"].id, "peer")
    assert button_value(fake.dms_to("UBOB")[1], views.OPEN_TASK) == str(peer_task)

    # 4a. Alice's self review through the real modal, with her November numbers above it;
    # Bob cannot open Alice's form (someone else's task).
    alice_self = task_id(db, p["alice"].id, p["alice"].id, "self")
    assert press(slack, fake, "UBOB", alice_self) is None
    assert "isn't yours" in reply_text(fake, "UBOB")
    resp = slack.view_submission("UBOB", forged_view(alice_self), form_values(rated("1", "1", "1")))
    assert resp.json()["response_action"] == "errors" and "isn't yours" in resp.text
    assert next(t for t in tasks(db) if t.id == alice_self).status == "open"
    clock["t"] = at(20, 11, 0)
    shown = review(
        slack, fake, inflight, "UALICE", alice_self,
        form_values(rated("4", "3", "5"), "I closed the Acme deal"),
    )  # fmt: skip
    assert "¥180,001" in dump([shown]) and "¥200,000" in dump([shown])
    assert "Your self review in “Nov 2026” is saved" in texts(fake, "UALICE")[-1]
    # Alice has done everything she owes now (the nomination and her self review).

    # 3. Reminders. Wednesday Nov 25, 7 days before: at 10:00 in each person's own time.
    assert tick(at(25, 9, 50)) == {}  # 09:50 in Shanghai: nobody yet
    assert tick(at(25, 10, 5)) == {"UBOB": 1, "UXW": 1, "UEMGR": 1}  # not Alice: all done
    assert tick(at(25, 10, 20)) == {}  # re-running sends nothing more
    assert tick(at(25, 9, 50, LA)) == {}  # 09:50 in Los Angeles: not yet for Lara
    assert tick(at(25, 10, 5, LA)) == {"ULARA": 1}
    assert tick(at(25, 10, 20, LA)) == {}
    bob_reminder = texts(fake, "UBOB")[-1]
    assert bob_reminder.startswith("Reminder: you have 3 open review task(s).")
    assert "• Peer review of <@UALICE>: Nov 2026, due Dec 2, 2026" in bob_reminder
    assert texts(fake, "ULARA")[-1].startswith("Reminder: you have 2 open review task(s).")
    assert texts(fake, "UXW")[-1].startswith("提醒：你有 2 项待完成的绩效评估任务。")
    assert texts(fake, "UEMGR")[-1].startswith("Reminder: you have 4 open review task(s).")
    # Sunday Nov 29, 3 days before, is a weekend day: it goes on Monday, once.
    assert tick(at(29, 10, 5)) == {}
    assert tick(at(29, 10, 5, LA)) == {}
    assert tick(at(30, 9, 50)) == {}
    assert tick(at(30, 10, 5)) == {"UBOB": 1, "UXW": 1, "UEMGR": 1}
    assert tick(at(30, 10, 50)) == {}
    assert tick(at(30, 10, 5, LA)) == {"ULARA": 1}

    # 4b. Bob's peer review and Eric's manager review of Alice, through the real modal.
    clock["t"] = at(1, 8, 30, month=12)
    review(
        slack, fake, inflight, "UBOB", peer_task,
        form_values(rated("3", "4", "5"), "=SUM(A1) Alice helps everyone"),
    )  # fmt: skip
    eric_task = task_id(db, p["alice"].id, p["east_mgr"].id, "manager")
    review(
        slack, fake, inflight, "UEMGR", eric_task,
        form_values(rated("5", "4", "4"), "Great month, Alice"),
    )  # fmt: skip
    # Tuesday Dec 1 (1 day before) and Wednesday Dec 2 (the due day): still no escalation.
    for day in (1, 2):
        assert tick(at(day, 10, 5, month=12)) == {"UBOB": 1, "UXW": 1, "UEMGR": 1}
        assert tick(at(day, 10, 5, LA, month=12)) == {"ULARA": 1}
    assert texts(fake, "UBOB")[-1].startswith("Reminder: you have 2 open review task(s).")
    assert texts(fake, "UEMGR")[-1].startswith("Reminder: you have 3 open review task(s).")
    assert fake.dms_to("UDIR") == []
    assert not any("past the due date" in t for t in texts(fake, "UEMGR"))
    assert len(fake.dms_to("UALICE")) == 3  # the cycle DM, her saved review, her peer choice

    # 5. After the due date: one escalation per late person to their manager, once.
    late = tick(at(3, 10, 5, month=12))  # Thursday: Bob's and 小王's first overdue day
    assert late == {"UBOB": 1, "UXW": 1, "UEMGR": 1 + 2, "UDIR": 1}
    assert texts(fake, "UBOB")[-1].startswith("Overdue: you have 2 open review task(s)")
    eric_late = [t for t in texts(fake, "UEMGR") if "past the due date" in t]
    assert [t.split(" has ")[0] for t in eric_late] == ["<@UBOB>", "<@UXW>"]
    assert "<@UEMGR> has 3 review task(s) past the due date" in texts(fake, "UDIR")[0]
    # Lara's first overdue day starts later (her own time zone); her escalation waits for
    # the end of Eric's quiet hours in Shanghai (10:05 in LA is 02:05 there).
    assert tick(at(3, 10, 5, LA, month=12)) == {"ULARA": 1}
    assert tick(at(4, 8, 5, month=12)) == {"UEMGR": 1}
    assert texts(fake, "UEMGR")[-1].startswith("<@ULARA> has 2 review task(s) past the due date")
    tick(at(4, 10, 5, month=12))
    tick(at(4, 10, 5, LA, month=12))
    tick(at(4, 10, 20, LA, month=12))
    eric_late = [t for t in texts(fake, "UEMGR") if "past the due date" in t]
    assert [t.split(" has ")[0] for t in eric_late] == ["<@UBOB>", "<@UXW>", "<@ULARA>"]
    assert len(fake.dms_to("UDIR")) == 1
    assert not any("<@UALICE> has" in t for t in texts(fake, "UEMGR"))  # Alice is not late

    # 6. HR closes the cycle.
    clock["t"] = at(4, 11, 0, month=12)
    slack.command("UHR", "/review", "close")
    assert "Closed review cycle “Nov 2026”" in reply_text(fake, "UHR")
    assert inflight.wait_idle()
    alice = texts(fake, "UALICE")[-1]
    assert "Your review summary: Nov 2026" in alice
    assert "*Closing deals*  self 4 · manager 5 · peers 3" in alice
    assert "*Customer focus*  self 3 · manager 4 · peers 4" in alice
    assert "*Teamwork*  self 5 · manager 4 · peers 5" in alice
    assert "Great month, Alice" in alice and "Alice helps everyone" in alice
    assert "<@UBOB>" not in alice and "Bob" not in alice
    assert "November 2026" in alice and "¥180,001" in alice and "¥200,000" in alice
    assert "106.7%" in alice
    team = texts(fake, "UEMGR")[-1]
    assert "Team review summary: Nov 2026" in team
    assert "4 people in your team; 3 of 9 reviews submitted" in team
    assert "<@UALICE>  3/3 done · self 4.0 · manager 4.3 · composite 106.7%" in team
    assert "<@ULARA>  0/2 done · self — · manager —" in team
    assert "Acme" not in team and "helps everyone" not in team
    hr = texts(fake, "UHR")[-1]
    assert "Review cycle closed: Nov 2026" in hr
    # 9 reviews (4 self, 4 manager, 1 peer); submitted: Alice's self, Eric's, Bob's peer
    assert "3 of 9 reviews submitted (33.3%); 6 not submitted were stopped" in hr
    assert "• East: 3/9 submitted" in hr
    assert "*Closing deals*  1★ 0 · 2★ 0 · 3★ 1 · 4★ 1 · 5★ 1" in hr
    assert "*Teamwork*  1★ 0 · 2★ 0 · 3★ 0 · 4★ 1 · 5★ 2" in hr
    for words in ("Acme", "helps everyone", "Great month", "<@UALICE>", "<@UBOB>"):
        assert words not in hr
    sent_before = len(fake.messages())
    slack.command("UHR", "/review", "close Nov 2026")
    assert "is closed already" in reply_text(fake, "UHR", 2)
    assert inflight.wait_idle()
    assert len(fake.messages()) == sent_before

    # 7. The export opens in a spreadsheet; the "=" comment is text, not a formula.
    (tmp_path / "none.toml").write_text(config_toml())
    for name, value in {
        "DATABASE_URL": deps.db.url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": fake.url,
        "SALESPULSE_CONFIG": str(tmp_path / "none.toml"),
    }.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "reviews.xlsx"
    out = CliRunner().invoke(
        cli, ["review", "export", str(cycle.id), "--format", "xlsx", "--output", str(path)]
    )
    assert out.exit_code == 0, out.output
    sheet = load_workbook(path).active
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    records = [dict(zip(header, row, strict=True)) for row in rows]
    assert sorted((r["slack_id"], r["reviewer_role"], r["status"]) for r in records) == [
        ("UALICE", "manager", "done"), ("UALICE", "peer", "done"), ("UALICE", "self", "done"),
        ("UBOB", "manager", "cancelled"), ("UBOB", "self", "cancelled"),
        ("ULARA", "manager", "cancelled"), ("ULARA", "self", "cancelled"),
        ("UXW", "manager", "cancelled"), ("UXW", "self", "cancelled"),
    ]  # fmt: skip
    by = {(r["slack_id"], r["reviewer_role"], r["reviewer"]): r for r in records}
    peer = by[("UALICE", "peer", "Bob Chen")]
    assert peer["comment"] == "'=SUM(A1) Alice helps everyone"
    assert peer["rating_closing"] == 3 and peer["revenue_actual"] == 180001
    assert by[("UALICE", "manager", "Eric East")]["rating_closing"] == 5
    # submitted on the workspace clock (Nov 20, 11:00 in Shanghai), like the close
    assert by[("UALICE", "self", "Alice Wong")]["submitted_at"].startswith("2026-11-20T03:00")
    assert [c for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
