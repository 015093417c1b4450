"""HR's card pressed as Slack sends it: Announce announces once however often and by whomever
it is pressed, at once or later; the selects open the reason modal for someone else; anyone
else is refused and nothing is posted. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.awards.job import award_candidates
from bot.core.config import AppConfig
from storage.models.awards import Award
from storage.models.core import User
from tests.awards.announce_support import (
    DEC_1,
    T,
    at_once,
    awards_config,
    card_text,
    channel_cards,
    hr_card,
    pick,
    press_announce,
    reason_values,
)
from tests.support.feedback import opened_view
from tests.support.kpi_fixture import load
from tests.support.slack import all_text, reply_to

ALREADY = "Already announced: <@UALICE> by <@{by}> on Dec 1, 2026."


@pytest.fixture
def config() -> AppConfig:
    return awards_config()


@pytest.fixture
def cards(org, deps, fake):
    """The candidates computed for November; HR (UHR) and an admin (UADM) have their card."""
    people = org.standard()
    org.person("UADM", "Ada Admin", team=None, role="admin")
    load(deps.db, T, people)
    deps.clock = lambda: DEC_1
    award_candidates(deps, DEC_1)
    return {"UHR": hr_card(fake, "UHR"), "UADM": hr_card(fake, "UADM")}


def awards(db) -> list[Award]:
    with db.session() as session:
        return list(session.exec(select(Award)).all())


def updates_to(fake, user: str) -> list[str]:
    return [all_text(c.params) for c in fake.calls_to("chat.update")
            if c.params.get("channel") == "D" + user]  # fmt: skip


def test_announce_posts_once_with_a_reason_from_the_numbers_and_updates_the_card(
    slack, fake, cards, deps, inflight
):
    assert press_announce(slack, "UHR", cards["UHR"], "champion").status_code == 200
    done = all_text(reply_to(fake, "UHR", 1)[0])
    assert done.startswith(":white_check_mark: Announced :trophy: *Sales Champion* · November")
    [card] = channel_cards(fake)
    text = card_text(card)
    assert "Congratulations <@UALICE>!" in text
    assert "> Top composite score of November 2026: 106.7%" in text
    assert fake.wait_for(lambda: len(fake.dms_to("UALICE")) == 1)
    assert fake.wait_for(lambda: updates_to(fake, "UHR"))
    assert ":white_check_mark: Announced: <@UALICE> by <@UHR>" in updates_to(fake, "UHR")[-1]
    # the other awards still have their buttons
    assert "award|fastest|2026-11" in str(fake.calls_to("chat.update")[-1].params["blocks"])
    press_announce(slack, "UHR", cards["UHR"], "champion")
    assert all_text(reply_to(fake, "UHR", 2)[1]) == ALREADY.format(by="UHR")
    assert inflight.wait_idle()
    assert len(channel_cards(fake)) == 1 and len(fake.dms_to("UALICE")) == 1
    [row] = awards(deps.db)
    assert row.reason == "Top composite score of November 2026: 106.7%"


def test_presses_at_once_by_two_hr_announce_exactly_once(slack, fake, cards, deps, inflight):
    sends = [
        lambda u=user: press_announce(slack, u, cards[u], "champion").status_code
        for user in ("UHR", "UADM", "UHR", "UADM")
    ]
    assert at_once(*sends) == [200] * 4
    assert inflight.wait_idle()
    assert len(channel_cards(fake)) == 1
    assert len(fake.dms_to("UALICE")) == 1
    [row] = awards(deps.db)
    by = "UHR" if row.announced_by_id == _id(deps, "UHR") else "UADM"
    replies = [all_text(c.params) for c in fake.ephemerals()]
    assert sum(r.startswith(":white_check_mark: Announced") for r in replies) == 1
    assert sorted(r for r in replies if r.startswith("Already")) == [ALREADY.format(by=by)] * 3


def _id(deps, slack_id: str) -> int:
    with deps.db.session() as session:
        return session.exec(select(User.id).where(User.slack_id == slack_id)).one()


def test_award_command_after_the_button_changes_nothing(slack, fake, cards, deps, inflight):
    press_announce(slack, "UADM", cards["UADM"], "champion")
    reply_to(fake, "UADM", 1)
    slack.command("UHR", "/award", "<@UBOB> champion 2026-11 I prefer Bob")
    assert all_text(reply_to(fake, "UHR", 1)[0]) == ALREADY.format(by="UADM")
    assert inflight.wait_idle()
    assert len(channel_cards(fake)) == 1 and fake.dms_to("UBOB") == []


def test_someone_not_hr_pressing_a_forwarded_card_is_refused(slack, fake, cards, deps, inflight):
    for user in ("UALICE", "UEMGR"):
        press_announce(slack, user, cards["UHR"], "champion")
        assert all_text(reply_to(fake, user, 1)[0]) == "Only HR and admins can announce awards."
        pick(slack, user, cards["UHR"], "champion", candidate="UBOB")
        assert all_text(reply_to(fake, user, 2)[1]) == "Only HR and admins can announce awards."
    assert inflight.wait_idle()
    assert channel_cards(fake) == [] and fake.dms_to("UALICE") == [] and awards(deps.db) == []
    assert fake.views("open") == [] and fake.calls_to("chat.update") == []


def test_another_candidate_from_the_select_with_a_reason_from_the_modal(
    slack, fake, cards, deps, inflight
):
    pick(slack, "UHR", cards["UHR"], "closer", candidate="UBOB")
    view = opened_view(fake)
    assert ":moneybag: *Top Closer* · November 2026 · <@UBOB>" in str(view["blocks"])
    resp = slack.view_submission("UHR", view, reason_values("  "))
    assert resp.json() == {
        "response_action": "errors",
        "errors": {"award_reason": "Give a reason for the award: it is shown on the card."},
    }
    view = {**view, "id": "VCLOSER"}
    answers = at_once(
        *[lambda: slack.view_submission("UHR", view, reason_values("Two big wins"))] * 2
    )
    assert [a.status_code for a in answers] == [200, 200]
    assert inflight.wait_idle()
    [card] = channel_cards(fake)
    text = card_text(card)
    assert "Congratulations <@UBOB>!" in text and "> Two big wins" in text
    assert "Revenue: ¥100,000 of ¥100,000 · attainment 100.0%" in text
    assert len(fake.dms_to("UBOB")) == 1
    assert ":white_check_mark: Announced: <@UBOB> by <@UHR>" in updates_to(fake, "UHR")[-1]


def test_anyone_from_the_users_select(slack, fake, cards, org, deps, inflight):
    pick(slack, "UADM", cards["UADM"], "liked", anyone="UXW")
    view = opened_view(fake)
    slack.view_submission("UADM", view, reason_values("大家都喜欢和他合作"))
    assert inflight.wait_idle()
    text = card_text(channel_cards(fake)[0])
    assert "Congratulations <@UXW>!" in text and "No KPI numbers for this month." in text
    assert fake.wait_for(lambda: len(fake.dms_to("UXW")) == 1)
    assert all_text(fake.dms_to("UXW")[0].params).startswith(":tada: 恭喜！你获得了 :clap:")
    # a bot is refused before the modal opens
    pick(slack, "UADM", cards["UADM"], "closer", anyone="UBOT")
    assert "can't win an award" in all_text(reply_to(fake, "UADM", 1)[0])
    assert inflight.wait_idle()
    assert len(fake.views("open")) == 1 and len(channel_cards(fake)) == 1


def test_a_modal_for_an_award_announced_meanwhile_says_who_announced_it(
    slack, fake, cards, deps, inflight
):
    pick(slack, "UHR", cards["UHR"], "champion", candidate="UBOB")
    view = opened_view(fake)
    press_announce(slack, "UADM", cards["UADM"], "champion")
    reply_to(fake, "UADM", 1)
    resp = slack.view_submission("UHR", view, reason_values("Bob, please"))
    assert resp.json() == {
        "response_action": "errors",
        "errors": {"award_reason": ALREADY.format(by="UADM")},
    }
    assert inflight.wait_idle()
    assert len(channel_cards(fake)) == 1 and fake.dms_to("UBOB") == []


def test_a_bilingual_channel_gets_the_generated_reason_in_both_languages(
    slack, fake, cards, deps, inflight
):
    deps.config = awards_config(announcements_locale="bilingual")
    press_announce(slack, "UHR", cards["UHR"], "fastest")
    assert inflight.wait_idle()
    text = card_text(channel_cards(fake)[0])
    assert (
        "> Best Response time (h) of November 2026: 3.0 / 2026年11月响应时间(小时)最佳：3.0" in text
    )
    assert "Congratulations <@UALICE>!" in text and "恭喜 <@UALICE>！" in text


def test_choosing_someone_for_an_award_announced_already_opens_no_modal(
    slack, fake, cards, inflight
):
    press_announce(slack, "UHR", cards["UHR"], "champion")
    reply_to(fake, "UHR", 1)
    pick(slack, "UADM", cards["UADM"], "champion", anyone="UCAROL")
    assert all_text(reply_to(fake, "UADM", 1)[0]) == ALREADY.format(by="UHR")
    assert inflight.wait_idle()
    assert fake.views("open") == [] and len(channel_cards(fake)) == 1
