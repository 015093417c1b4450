"""Career guidance end to end: routing to the least busy configured coach (else HR), the
coach's DM (numbers only for a coach who may see them), Accept, Reassign, Mark done, refusals
of everyone else's clicks, double and parallel clicks acting once, the form, both languages,
and who must NOT see a request."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import func, select

from bot.core.config import AppConfig
from bot.growth import career_views as views
from storage.models.core import Delivery
from storage.models.growth import GuidanceRequest
from tests.growth.career_support import (
    NOW,
    career_config,
    career_reply,
    career_world,
    click,
    coach_dm,
)
from tests.support.feedback import dump, opened_view, seen_by

QUESTION = "How do I get to key accounts?"


@pytest.fixture
def config() -> AppConfig:
    return career_config(coaches=["UCOACH", "UCOACH2"])


@pytest.fixture
def world(db, org, deps):
    deps.clock = lambda: NOW
    people = career_world(db, org)
    people["coach"] = org.person("UCOACH", "Cora Coach", team=None)
    people["coach2"] = org.person("UCOACH2", "Kai Coach", team=None, locale="zh-CN")
    return people


def _requests(db) -> list[GuidanceRequest]:
    with db.session() as s:
        found = list(s.exec(select(GuidanceRequest).order_by(GuidanceRequest.id)).all())
        s.expunge_all()
    return found


def _accepted_dms(fake, rep: str) -> list:
    return [c for c in fake.dms_to(rep) if "will reach out to you" in c.params.get("text", "")
            or "主动联系你" in c.params.get("text", "")]  # fmt: skip


def test_a_question_goes_to_the_least_busy_coach_in_config_order(slack, fake, db, world):
    reply = career_reply(slack, fake, "UBOB", QUESTION)
    assert "sent to a coach; you'll be told who will reach out" in reply
    dm = dump([coach_dm(fake, "UCOACH")])
    assert "<@UBOB> asks for career guidance." in dm
    assert "*Senior Sales Representative* → next: *Key Account Manager*" in dm
    assert QUESTION in dm and views.ACCEPT in dm and views.REASSIGN in dm
    assert "3.7" not in dm and "110.0%" not in dm  # a coach outside the chain: no numbers
    assert fake.dms_to("UCOACH2") == []
    career_reply(slack, fake, "UALICE", "What next?")
    assert "向职业导师" not in dump([coach_dm(fake, "UCOACH2")])  # routed: UCOACH2 had none
    assert "<@UALICE> 请求职业指导。" in dump([coach_dm(fake, "UCOACH2")])  # in their language
    career_reply(slack, fake, "UXW", "下一步？")  # a tie (1 and 1): config order
    assert "<@UXW>" in dump([coach_dm(fake, "UCOACH", 2)])
    assert [r.coach_id for r in _requests(db)] == [
        world["coach"].id, world["coach2"].id, world["coach"].id
    ]  # fmt: skip


def test_nobody_available_is_refused_and_nothing_is_written(slack, fake, db, deps, world):
    deps.config = career_config(coaches=["UBOB"])  # the only coach is the rep themselves
    reply = career_reply(slack, fake, "UBOB", QUESTION)
    assert "no coach is available right now: nothing was sent" in reply
    assert _requests(db) == []


def test_accept_tells_the_rep_who_will_reach_out_and_replaces_the_coach_message(
    slack, fake, db, world, inflight
):
    career_reply(slack, fake, "UBOB", QUESTION)
    dm = coach_dm(fake, "UCOACH")
    click(slack, "UCOACH", views.ACCEPT, dm)
    assert fake.wait_for(lambda: _accepted_dms(fake, "UBOB"))
    assert "<@UCOACH> will reach out to you" in dump(_accepted_dms(fake, "UBOB"))
    assert inflight.wait_idle()
    replaced = [c for c in fake.calls_to("response_url") if c.params.get("replace_original")]
    assert len(replaced) == 1 and views.ACCEPT not in dump(replaced)
    assert "You accepted <@UBOB>'s request" in dump(replaced) and views.DONE in dump(replaced)
    assert _requests(db)[0].status == "accepted"
    # Mark done, once
    click(slack, "UCOACH", views.DONE, replaced[0])
    assert inflight.wait_idle()
    assert _requests(db)[0].status == "done"


@pytest.mark.parametrize("clicker", ["UCOACH2", "UHR", "UBOB", "UEMGR"])
def test_someone_elses_accept_is_refused_and_changes_nothing(
    slack, fake, db, world, inflight, clicker
):
    career_reply(slack, fake, "UBOB", QUESTION)
    dm = coach_dm(fake, "UCOACH")
    before = len(fake.dms_to("UBOB"))
    click(slack, clicker, views.ACCEPT, dm)
    refusal = "只有负责这个请求的职业导师" if clicker == "UCOACH2" else "only the coach this"
    assert fake.wait_for(lambda: refusal in dump(fake.ephemerals(clicker)))
    assert inflight.wait_idle()
    assert _requests(db)[0].status == "open"
    assert len(fake.dms_to("UBOB")) == before
    assert QUESTION not in dump(fake.ephemerals(clicker))


def test_parallel_accepts_act_once(slack, fake, db, world, inflight):
    career_reply(slack, fake, "UBOB", QUESTION)
    dm = coach_dm(fake, "UCOACH")
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: click(slack, "UCOACH", views.ACCEPT, dm), range(4)))
    assert [a.status_code for a in answers] == [200] * 4
    assert inflight.wait_idle()
    assert len(_accepted_dms(fake, "UBOB")) == 1
    assert len([c for c in fake.calls_to("response_url") if c.params.get("replace_original")]) == 1
    with db.session() as s:
        keys = s.exec(
            select(func.count()).select_from(Delivery).where(Delivery.key.like("guidance:%"))  # type: ignore[attr-defined]
        ).one()
    assert keys == 2  # the coach's DM and the rep's "will reach out"
    assert _requests(db)[0].status == "accepted"


def _reassign(slack, fake, coach: str, dm, to: str, note: str = "She knows key accounts"):
    n = len(fake.views("open")) + 1
    click(slack, coach, views.REASSIGN, dm)
    view = {**opened_view(fake, n), "id": f"VRE{n}"}
    values = {
        views.B_TO: {views.VALUE: {"type": "static_select", "selected_option": {"value": to}}},
        views.B_NOTE: {views.VALUE: {"type": "plain_text_input", "value": note}},
    }
    return view, slack.view_submission(coach, view, values)


def test_reassign_passes_it_to_another_coach_who_can_accept(slack, fake, db, world, inflight):
    career_reply(slack, fake, "UBOB", QUESTION)
    dm = coach_dm(fake, "UCOACH")
    view, answer = _reassign(slack, fake, "UCOACH", dm, "UCOACH2")
    options = [o["value"] for b in view["blocks"] if b.get("block_id") == views.B_TO
               for o in b["element"]["options"]]  # fmt: skip
    assert options == ["UCOACH2"]  # not the coach themselves, not the rep
    assert answer.status_code == 200 and not answer.content
    new = dump([coach_dm(fake, "UCOACH2")])
    assert "由 <@UCOACH> 转交给你" in new and "She knows key accounts" in new and QUESTION in new
    assert fake.wait_for(lambda: fake.calls_to("chat.update"))
    updated = dump(fake.calls_to("chat.update"))
    assert "You passed <@UBOB>'s request for career guidance to <@UCOACH2>" in updated
    assert views.ACCEPT not in updated
    assert _requests(db)[0].coach_id == world["coach2"].id
    # the old coach's Accept now refused; the new coach's works
    click(slack, "UCOACH", views.ACCEPT, dm)
    assert fake.wait_for(lambda: "only the coach this request" in dump(fake.ephemerals("UCOACH")))
    click(slack, "UCOACH2", views.ACCEPT, coach_dm(fake, "UCOACH2"))
    assert fake.wait_for(lambda: _accepted_dms(fake, "UBOB"))
    assert "<@UCOACH2>" in dump(_accepted_dms(fake, "UBOB"))
    assert inflight.wait_idle()
    assert len(_accepted_dms(fake, "UBOB")) == 1
    assert fake.violations == []  # the DMs, the modal and the replacements keep the limits


def test_a_forged_reassign_by_someone_else_changes_nothing(slack, fake, db, world, inflight):
    career_reply(slack, fake, "UBOB", QUESTION)
    coach_dm(fake, "UCOACH")
    request = _requests(db)[0]
    forged = {
        "type": "modal",
        "callback_id": views.REASSIGN_MODAL,
        "private_metadata": json.dumps({"request": request.id}),
        "blocks": [],
    }
    values = {views.B_TO: {views.VALUE: {"type": "static_select",
                                         "selected_option": {"value": "UCOACH2"}}}}  # fmt: skip
    answer = slack.view_submission("UEMGR", forged, values)
    assert answer.json()["response_action"] == "errors"
    assert inflight.wait_idle()
    assert _requests(db)[0].coach_id == world["coach"].id
    assert fake.dms_to("UCOACH2") == []


def test_reassign_submitted_twice_passes_once(slack, fake, db, world, inflight):
    career_reply(slack, fake, "UBOB", QUESTION)
    dm = coach_dm(fake, "UCOACH")
    view, _ = _reassign(slack, fake, "UCOACH", dm, "UCOACH2")
    values = {views.B_TO: {views.VALUE: {"type": "static_select",
                                         "selected_option": {"value": "UCOACH2"}}}}  # fmt: skip
    again = slack.view_submission("UCOACH", view, values)  # the same view id: a duplicate
    assert again.status_code == 200 and not again.content  # closes quietly
    assert inflight.wait_idle()
    assert len(fake.dms_to("UCOACH2")) == 1


def test_without_coaches_hr_gets_it_with_the_numbers(slack, fake, db, deps, world):
    deps.config = career_config()
    career_reply(slack, fake, "UBOB", QUESTION)
    dm = dump([coach_dm(fake, "UHR")])
    assert "<@UBOB> asks for career guidance." in dm
    assert "3.7 in 2026 Q3" in dm  # HR may see performance: the numbers come along
    assert _requests(db)[0].coach_id == world["hr"].id


def test_the_form_asks_once_and_refuses_a_blank_question(slack, fake, db, world, inflight):
    reply = career_reply(slack, fake, "UALICE")
    assert views.ASK in reply
    slack.block_action("UALICE", views.ASK, "ask", channel_id="C0GENERAL")
    view = {**opened_view(fake), "id": "VASK1"}
    blank = {views.B_QUESTION: {views.VALUE: {"type": "plain_text_input", "value": "   "}}}
    answer = slack.view_submission("UALICE", view, blank)
    assert answer.json()["errors"][views.B_QUESTION] == "Write your question."
    values = {views.B_QUESTION: {views.VALUE: {"type": "plain_text_input", "value": QUESTION}}}
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda _: slack.view_submission("UALICE", view, values), range(3)))
    assert inflight.wait_idle()
    assert len(_requests(db)) == 1
    assert len(fake.dms_to("UCOACH")) == 1
    assert "sent to a coach" in dump(fake.dms_to("UALICE"))
    assert fake.violations == []


def test_a_question_too_long_is_refused(slack, fake, db, world):
    reply = career_reply(slack, fake, "UBOB", "x" * 2001)
    assert "Your question is 2001 characters long: keep it to 2000." in reply
    assert _requests(db) == []


def test_chinese_rep_is_told_in_chinese(slack, fake, db, world, inflight):
    reply = career_reply(slack, fake, "UXW", "下一步怎么走？")
    assert "你的问题已发送给职业导师" in reply
    click(slack, "UCOACH", views.ACCEPT, coach_dm(fake, "UCOACH"))
    assert fake.wait_for(lambda: _accepted_dms(fake, "UXW"))
    assert "<@UCOACH> 会就你的职业指导请求主动联系你。" in dump(_accepted_dms(fake, "UXW"))


def test_who_must_not_see_a_request(slack, fake, db, world, inflight):
    """The rep, their manager chain and the coach see it; another rep, a manager outside the
    chain, HR who is not the coach and a second coach never do."""
    career_reply(slack, fake, "UBOB", QUESTION)
    click(slack, "UCOACH", views.ACCEPT, coach_dm(fake, "UCOACH"))
    assert fake.wait_for(lambda: _accepted_dms(fake, "UBOB"))
    assert QUESTION in career_reply(slack, fake, "UBOB")
    assert QUESTION in career_reply(slack, fake, "UEMGR", "<@UBOB>")
    assert QUESTION in career_reply(slack, fake, "UDIR", "<@UBOB>")
    hr_card = career_reply(slack, fake, "UHR", "<@UBOB>")
    assert "3.7 in 2026 Q3" in hr_card  # HR sees readiness…
    assert QUESTION not in hr_card and "Career guidance requests" not in hr_card  # …not requests
    career_reply(slack, fake, "UALICE", "<@UBOB>")
    career_reply(slack, fake, "UWMGR", "<@UBOB>")
    assert inflight.wait_idle()
    for outsider in ("UALICE", "UWMGR", "UHR", "UCOACH2", "UCAROL"):
        assert QUESTION not in seen_by(fake, outsider), outsider


def test_hr_who_is_the_coach_sees_the_request_on_the_card(slack, fake, db, deps, world):
    deps.config = career_config()  # no coaches: HR coaches
    career_reply(slack, fake, "UBOB", QUESTION)
    coach_dm(fake, "UHR")
    card = career_reply(slack, fake, "UHR", "<@UBOB>")
    assert "Career guidance requests" in card and QUESTION in card and "<@UHR>" in card


def test_deactivated_bots_and_unknown_coaches_are_skipped(db, org, deps, world):
    from bot.growth.guidance import coach_pool, pick_coach
    from storage.models.core import User

    with db.session() as s:
        coach = s.get(User, world["coach"].id)
        coach.deactivated = True
        s.add(coach)
    config = career_config(coaches=["UNOBODY", "UCOACH", "UCOACH2"])
    with db.session() as s:
        bob = s.get(User, world["bob"].id)
        assert [u.slack_id for u in coach_pool(s, config, "T0001", bob)] == ["UCOACH2"]
        assert pick_coach(s, config, "T0001", bob).slack_id == "UCOACH2"
        coach2 = s.get(User, world["coach2"].id)  # a coach asking for guidance: not themselves
        assert coach_pool(s, config, "T0001", coach2) == []


def test_the_same_command_delivered_twice_asks_once(db, deps, world):
    from bot.core import claims
    from bot.growth import career_chat
    from bot.org.directory import who_of
    from storage.models.core import User

    ws = deps.workspace()
    with db.session() as s:
        bob = s.get(User, world["bob"].id)
        career_chat.reply(ws, s, who_of(bob, ws.config), QUESTION, trigger_id="T.1")
    with pytest.raises(claims.AlreadyDone), db.session() as s:
        bob = s.get(User, world["bob"].id)
        career_chat.reply(ws, s, who_of(bob, ws.config), QUESTION, trigger_id="T.1")
    assert len(_requests(db)) == 1


@pytest.mark.parametrize("clicker", ["UCOACH2", "UHR", "UBOB"])
def test_someone_elses_reassign_click_opens_nothing(slack, fake, db, world, inflight, clicker):
    career_reply(slack, fake, "UBOB", QUESTION)
    dm = coach_dm(fake, "UCOACH")
    click(slack, clicker, views.REASSIGN, dm)
    assert inflight.wait_idle()
    assert fake.views("open") == []
    assert _requests(db)[0].coach_id == world["coach"].id
    assert QUESTION not in dump(fake.ephemerals(clicker))
