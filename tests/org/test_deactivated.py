"""People deactivated in Slack and bots: they receive no kudos, feedback or requests, digests
and reminders skip them, rankings leave them out, and their history stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.core.config import AppConfig
from bot.core.periods import parse_key
from bot.features import find_job
from bot.kpi import scorecard
from storage.models.core import User
from storage.models.feedback import Feedback, FeedbackRequest, Kudos
from tests.support.feedback import (
    CONFIG,
    dump,
    home_of,
    open_and_submit,
    reply_text,
    seen_by,
)
from tests.support.kpi_fixture import kpi_config, load
from tests.support.slack import all_text

MONDAY = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # the week-48 digest
DEACTIVATED = "has been deactivated in Slack"


@pytest.fixture
def config() -> AppConfig:
    return AppConfig.model_validate(CONFIG)


def user_change(slack, fake, db, slack_id: str, *, deleted: bool) -> None:
    """Slack's user_change event through the endpoint; waits until the directory has it."""
    slack.event(
        {"type": "user_change", "user": {"id": slack_id, "deleted": deleted, "is_bot": False}}
    )
    assert fake.wait_for(lambda: flag(db, slack_id) is deleted)


def flag(db, slack_id: str) -> bool | None:
    with db.session() as s:
        user = s.exec(select(User).where(User.slack_id == slack_id)).first()
        return user.deactivated if user else None


def nothing_stored(db) -> bool:
    with db.session() as s:
        return not any(
            s.exec(select(table)).first() for table in (Kudos, Feedback, FeedbackRequest)
        )


COMMANDS = [
    ("/kudos", "{who} thanks for the demo"),
    ("/feedback", "{who} praise thanks for the demo"),
    ("/feedback", "request {who} about the Q3 pitch"),
    ("/feedback", "request <@UXW> for {who}"),  # a manager asking about a departed report
]


@pytest.mark.parametrize(("command", "text"), COMMANDS)
def test_an_org_person_deactivated_in_slack_receives_nothing(
    slack, fake, org, db, command, text, inflight
):
    org.standard()
    user_change(slack, fake, db, "UBOB", deleted=True)
    giver = "UEMGR"  # Bob's manager, so `for` is allowed
    slack.command(giver, command, text.format(who="<@UBOB>"))
    assert DEACTIVATED in reply_text(fake, giver)
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert nothing_stored(db) and fake.messages() == []


@pytest.mark.parametrize(("command", "text"), COMMANDS[:3])
def test_a_bot_receives_nothing(slack, fake, org, db, command, text, inflight):
    org.standard()
    fake.add_user("UBOTX", name="otherbot", real_name="Other Bot", is_bot=True)
    slack.command("UALICE", command, text.format(who="<@UBOTX>"))
    assert "is a bot" in reply_text(fake, "UALICE")
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert nothing_stored(db) and fake.messages() == []


def test_first_contact_with_a_deactivated_person_refuses_in_chinese_too(
    slack, fake, org, db, inflight
):
    org.standard()
    fake.add_user("UGONE", name="gone", real_name="Gone Person", deleted=True)  # not imported
    slack.command("UXW", "/kudos", "<@UGONE> 谢谢")
    assert "<@UGONE> 的 Slack 账号已停用" in reply_text(fake, "UXW")
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert nothing_stored(db) and fake.messages() == []


def test_the_form_refuses_a_deactivated_recipient_next_to_the_field(slack, fake, org, db, inflight):
    org.standard()
    user_change(slack, fake, db, "UBOB", deleted=True)
    answer = open_and_submit(slack, fake, "UALICE", recipients=["UBOB"], text="good call")
    assert answer is not None and DEACTIVATED in answer["errors"]["fb_recipients"]
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert nothing_stored(db) and fake.messages() == []


def test_a_reaction_on_a_deactivated_persons_message_gives_nothing(slack, fake, org, db, inflight):
    org.standard()
    user_change(slack, fake, db, "UBOB", deleted=True)
    slack.event(
        {
            "type": "reaction_added",
            "user": "UALICE",
            "reaction": "clap",
            "item_user": "UBOB",
            "item": {"type": "message", "channel": "CSALES", "ts": "1.000100"},
        }
    )
    assert fake.wait_for(lambda: fake.calls_to("chat.postEphemeral"))
    [note] = fake.calls_to("chat.postEphemeral")
    assert note.params["user"] == "UALICE" and DEACTIVATED in note.params["text"]
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert nothing_stored(db) and fake.messages() == []


def test_reactivated_people_receive_again(slack, fake, org, db):
    org.standard()
    user_change(slack, fake, db, "UBOB", deleted=True)
    user_change(slack, fake, db, "UBOB", deleted=False)
    slack.command("UALICE", "/kudos", "<@UBOB> welcome back")
    assert "Kudos posted" in reply_text(fake, "UALICE")


def test_history_stays_visible_to_those_who_may_see_it(slack, fake, org, db):
    org.standard()
    slack.command("UBOB", "/feedback", "<@UALICE> praise thanks for covering my demo")
    reply_text(fake, "UBOB")
    slack.command("UALICE", "/kudos", "<@UBOB> closed the Acme deal")
    assert "Kudos posted" in reply_text(fake, "UALICE")
    user_change(slack, fake, db, "UBOB", deleted=True)
    home = home_of(slack, fake, "UALICE")
    assert "thanks for covering my demo" in home and "<@UBOB>" in home
    with db.session() as s:
        assert len(s.exec(select(Kudos)).all()) == 1  # the kudos Bob received stays


# --- rankings, digests and reminders ----------------------------------------------------------


def test_a_deactivated_rep_ranks_nowhere_and_gets_no_digest(slack, fake, org, db, deps):
    people = org.standard()
    deps.config = kpi_config(deps.config)
    deps.clock = lambda: MONDAY
    load(db, org.team_id, people)
    month = parse_key("2026-11")
    with db.session() as s:
        before = [r.slack_id for r in scorecard.leaderboard(s, deps.config, org.team_id, month)]
    assert "UBOB" in before
    user_change(slack, fake, db, "UBOB", deleted=True)
    with db.session() as s:  # the stored ranking is recomputed: the directory changed
        board = scorecard.leaderboard(s, deps.config, org.team_id, month, team="east")
    assert [r.slack_id for r in board] == ["UALICE", "UXW"]
    assert [(r.team_rank, r.team_size) for r in board] == [(1, 2), (2, 2)]
    find_job("weekly-digest").func(deps, MONDAY)
    [east] = [all_text(c.params) for c in fake.messages("CEAST")]
    assert "<@UALICE>" in east and "<@UBOB>" not in east
    assert fake.dms_to("UBOB") == []
    assert len(fake.dms_to("UALICE")) == 1 and len(fake.dms_to("UXW")) == 1


def test_reminders_skip_a_deactivated_peer(slack, fake, org, db, deps):
    org.standard()
    start = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
    deps.clock = lambda: start
    slack.command("UALICE", "/feedback", "request <@UBOB> <@UXW> about onboarding")
    assert fake.wait_for(lambda: fake.dms_to("UBOB") and fake.dms_to("UXW"))
    user_change(slack, fake, db, "UBOB", deleted=True)
    summary = find_job("feedback-reminders").func(deps, start + timedelta(days=3))
    assert summary.startswith("reminded 1, expired 0")
    assert len(fake.dms_to("UXW")) == 2 and len(fake.dms_to("UBOB")) == 1
    assert "Reminder" not in seen_by(fake, "UBOB") and "提醒" in dump(fake.dms_to("UXW"))
