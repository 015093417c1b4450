"""`/training list` for managers (their tree's pending requests), HR (approved and
scheduled), both, and anyone else; within Slack's 50 blocks. The App Home section, and the
completed trainings a closed review cycle's summary names."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from bot.growth import training_views as views
from bot.growth.training import home_section
from bot.org.directory import who_of
from storage.models.core import User
from storage.models.growth import TrainingRequest
from tests.conftest import TEAM
from tests.growth.training_support import NOW, training_config
from tests.support.feedback import dump, home_of, reply_text
from tests.support.slack import all_text


@pytest.fixture
def config():
    return training_config()


@pytest.fixture
def people(org, deps):
    deps.clock = lambda: NOW
    return org.standard()


def add(db, rep: User, status: str, topic: str, **extra) -> None:
    with db.session() as s:
        s.add(TrainingRequest(team_id=TEAM, rep_id=rep.id, topic=topic, status=status,
                              created_at=NOW, **extra))  # fmt: skip


def test_manager_sees_their_trees_pending_requests_with_buttons(slack, fake, db, people):
    add(db, people["alice"], "pending", "Alice topic")
    add(db, people["carol"], "pending", "Carol topic")  # west: not Eric's
    add(db, people["bob"], "approved", "Bob approved topic")
    slack.command("UEMGR", "/training", "list")
    reply = reply_text(fake, "UEMGR")
    assert "Requests waiting for your approval (1)" in reply and "Alice topic" in reply
    assert "Carol topic" not in reply and "Bob approved topic" not in reply
    assert views.APPROVE in reply and views.DECLINE in reply
    # the director sees both teams
    slack.command("UDIR", "/training", "列表")
    reply = reply_text(fake, "UDIR")
    assert "Alice topic" in reply and "Carol topic" in reply


def test_hr_sees_approved_and_scheduled_oldest_first(slack, fake, db, people):
    add(db, people["alice"], "scheduled", "First", scheduled_for=date(2026, 12, 1))
    add(db, people["bob"], "approved", "Second")
    add(db, people["carol"], "pending", "Not yet")
    add(db, people["xiaowang"], "completed", "Done already")
    slack.command("UHR", "/training", "list")
    reply = reply_text(fake, "UHR")
    assert "Approved and scheduled requests (2)" in reply
    assert reply.index("First") < reply.index("Second")
    assert "Not yet" not in reply and "Done already" not in reply
    assert views.SCHEDULE in reply and views.COMPLETE in reply
    assert "waiting for your approval" not in reply


def test_someone_both_manager_and_hr_sees_both(slack, fake, db, org, people):
    boss = org.person("UHRM", "Hana HR-manager", role="hr")
    rep = org.person("UREP", "Ray Rep", manager=boss)
    add(db, rep, "pending", "Ray pending")
    add(db, people["bob"], "approved", "Bob approved")
    slack.command("UHRM", "/training", "list")
    reply = reply_text(fake, "UHRM")
    assert "Ray pending" in reply and "Bob approved" in reply


def test_a_rep_is_told_what_the_list_is_then_their_own(slack, fake, db, people):
    add(db, people["alice"], "pending", "Alice topic")
    add(db, people["bob"], "pending", "Bob topic")
    slack.command("UBOB", "/training", "list")
    reply = reply_text(fake, "UBOB")
    assert "shows managers the requests of their team" in reply
    assert "Bob topic" in reply and "Alice topic" not in reply


def test_long_lists_stay_within_50_blocks_and_count_the_rest(slack, fake, db, people):
    for i in range(40):
        add(db, people["alice"], "pending", f"Topic {i}")
    slack.command("UEMGR", "/training", "list")
    reply_text(fake, "UEMGR")
    blocks = fake.ephemerals("UEMGR")[0].params["blocks"]
    assert len(blocks) <= 50
    assert "and 16 more" in all_text(fake.ephemerals("UEMGR")[0].params)


def test_home_shows_open_and_completed_and_waiting_approvals(slack, fake, db, people):
    add(db, people["alice"], "scheduled", "Sched topic", scheduled_for=date(2026, 12, 3))
    add(db, people["alice"], "declined", "Declined topic")
    for i in range(7):
        add(db, people["alice"], "completed", f"Done {i}",
            completed_at=datetime(2026, 11, 1 + i, 2, tzinfo=UTC))  # fmt: skip
    home = home_of(slack, fake, "UALICE")
    assert "Sched topic" in home and "Scheduled for Dec 3, 2026" in home
    assert "Declined topic" not in home
    # the latest 5 completed
    assert "Done 6" in home and "Done 2" in home and "Done 1" not in home
    add(db, people["bob"], "pending", "Bob asks")
    assert "1 request(s) wait for your approval" in home_of(slack, fake, "UEMGR")


def test_home_section_is_empty_when_there_is_nothing(deps, db, people):
    ws = deps.workspace()
    with db.session() as s:
        carol = s.exec(select(User).where(User.slack_id == "UCAROL")).one()
        assert home_section(ws, s, who_of(carol, ws.config)) == []
        eric = s.exec(select(User).where(User.slack_id == "UEMGR")).one()
        assert home_section(ws, s, who_of(eric, ws.config)) == []


def test_review_summary_names_the_trainings_completed_in_the_period(deps, slack, fake, db, people):
    from tests.support.reviews import start_cycle

    add(db, people["alice"], "completed", "Negotiation and closing", course="negotiation",
        completed_at=datetime(2026, 11, 12, 2, tzinfo=UTC))  # fmt: skip
    add(db, people["alice"], "completed", "Old course",
        completed_at=datetime(2026, 10, 12, 2, tzinfo=UTC))  # fmt: skip
    add(db, people["xiaowang"], "completed", "谈判", course="negotiation",
        completed_at=datetime(2026, 11, 13, 2, tzinfo=UTC))  # fmt: skip
    start_cycle(db, TEAM, name="Nov 2026", kind="monthly", period="2026-11",
                due=date(2026, 11, 30))  # fmt: skip
    slack.command("UHR", "/review", "close")
    reply_text(fake, "UHR")
    assert fake.wait_for(lambda: fake.dms_to("UBOB") and fake.dms_to("UXW"))
    alice = dump(fake.dms_to("UALICE"))
    assert "*Trainings completed:* Negotiation and closing (Nov 12, 2026)" in alice
    assert "Old course" not in alice
    assert "已完成的培训：* 谈判与成交（2026年11月13日）" in dump(fake.dms_to("UXW"))
    assert "Trainings completed" not in dump(fake.dms_to("UBOB"))
