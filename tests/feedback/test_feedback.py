"""/feedback through the real endpoint: modal, quick form, visibility matrix, buttons,
shortcut, zh-CN texts, and that a correction never leaks (channels, Homes, logs)."""

from __future__ import annotations

import json
import logging

import pytest
from sqlmodel import select

from bot.core.config import AppConfig
from bot.feedback import views
from storage.models.core import Delivery
from storage.models.feedback import Feedback
from tests.support.feedback import (
    CONFIG,
    PEOPLE,
    button_value,
    channel_posts,
    dump,
    home_of,
    modal_values,
    open_and_submit,
    opened_view,
    reply_text,
    seen_by,
)


@pytest.fixture
def config() -> AppConfig:
    return AppConfig.model_validate(CONFIG)


def rows(db) -> list[Feedback]:
    with db.session() as s:
        return list(s.exec(select(Feedback)).all())


def wait_dm(fake, user: str, n: int = 1):
    assert fake.wait_for(lambda: len(fake.dms_to(user)) >= n), fake.calls
    return fake.dms_to(user)[n - 1]


# --- the modal --------------------------------------------------------------------------------


def test_feedback_without_args_opens_the_modal(slack, fake, org):
    org.standard()
    slack.command("UALICE", "/feedback", "")
    view = opened_view(fake)
    assert view["callback_id"] == views.MODAL
    ids = [b.get("block_id") for b in view["blocks"]]
    assert ids == ["fb_recipients", "fb_kind", "fb_visibility", "fb_metric", "fb_message"]
    text = dump([view])
    for label in ("Praise", "Correction", "Suggestion", "Recipient and their manager"):
        assert label in text
    assert fake.violations == []


def test_modal_in_chinese_for_zh_user(slack, fake, org):
    org.standard()
    slack.command("UXW", "/feedback", "")
    text = dump([opened_view(fake)])
    for label in ("给予反馈", "表扬", "改进", "建议", "可见范围", "发送"):
        assert label in text


def test_no_kpi_field_without_configured_metrics(slack, fake, org, deps):
    deps.config.metrics = []
    org.standard()
    slack.command("UALICE", "/feedback", "")
    ids = [b.get("block_id") for b in opened_view(fake)["blocks"]]
    assert ids == ["fb_recipients", "fb_kind", "fb_visibility", "fb_message"]


def test_kpi_field_offers_the_configured_metrics(slack, fake, org, deps):
    org.standard()
    slack.command("UALICE", "/feedback", "")
    view = opened_view(fake)
    [metric] = [b for b in view["blocks"] if b.get("block_id") == "fb_metric"]
    assert metric["optional"] is True and "Revenue" in dump([metric])
    slack.view_submission(
        "UALICE",
        view,
        modal_values(recipients=["UBOB"], kind="praise", text="great pipeline", metric="revenue"),
    )
    assert "KPI: Revenue" in dump([wait_dm(fake, "UBOB")])


@pytest.mark.parametrize(
    ("values", "block", "error"),
    [
        ({"recipients": [], "text": "hi"}, "fb_recipients", "Who is the feedback for?"),
        ({"recipients": ["UALICE"], "text": "hi"}, "fb_recipients", "can't send it to yourself"),
        ({"recipients": ["UBOTX"], "text": "hi"}, "fb_recipients", "is a bot"),
        (
            {"recipients": ["UBOB"], "kind": "correction", "visibility": "public", "text": "x"},
            "fb_visibility",
            "Only praise can be public",
        ),
        (
            {"recipients": ["UBOB"], "kind": "suggestion", "visibility": "public", "text": "x"},
            "fb_visibility",
            "Only praise can be public",
        ),
        ({"recipients": ["UBOB"], "text": "   "}, "fb_message", "write the feedback itself"),
    ],
)
def test_modal_input_errors_come_back_in_the_modal(
    slack, fake, org, db, values, block, error, inflight
):
    org.standard()
    fake.add_user("UBOTX", name="otherbot", real_name="Other Bot", is_bot=True)
    answer = open_and_submit(slack, fake, "UALICE", **values)
    assert answer is not None and answer["response_action"] == "errors"
    assert list(answer["errors"]) == [block] and error in answer["errors"][block]
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert rows(db) == [] and fake.messages() == []


def test_modal_errors_in_chinese(slack, fake, org):
    org.standard()
    answer = open_and_submit(
        slack, fake, "UXW", recipients=["UBOB"], kind="correction", visibility="public", text="x"
    )
    assert answer["errors"]["fb_visibility"] == "只有表扬可以公开：改进和建议始终保密。"


# --- the visibility matrix ----------------------------------------------------------------------
# (giver, kind, visibility) -> who gets a DM with the text, who reads it on their App Home.
# Recipient is always bob (manager: east_mgr, whose manager is director). Everyone else must
# not see the text anywhere, and nothing but public praise reaches a channel.

MATRIX = [
    ("UALICE", "correction", "private", {"UBOB"}, {"UBOB"}),
    ("UALICE", "correction", "manager", {"UBOB", "UEMGR"}, {"UBOB", "UEMGR", "UDIR"}),
    ("UALICE", "suggestion", "private", {"UBOB"}, {"UBOB"}),
    ("UALICE", "suggestion", "manager", {"UBOB", "UEMGR"}, {"UBOB", "UEMGR", "UDIR"}),
    ("UALICE", "praise", "private", {"UBOB"}, {"UBOB"}),
    ("UALICE", "praise", "manager", {"UBOB", "UEMGR"}, {"UBOB", "UEMGR", "UDIR"}),
    ("UALICE", "praise", "public", {"UBOB"}, {"UBOB", "UEMGR", "UDIR"}),
    # The giver is in bob's manager chain: the chain sees it without being told.
    ("UEMGR", "correction", "private", {"UBOB"}, {"UBOB", "UEMGR", "UDIR"}),
    ("UDIR", "suggestion", "private", {"UBOB"}, {"UBOB", "UEMGR", "UDIR"}),
    ("UEMGR", "correction", "manager", {"UBOB"}, {"UBOB", "UEMGR", "UDIR"}),
    # A manager of another team is not in bob's chain: nothing special.
    ("UWMGR", "correction", "private", {"UBOB"}, {"UBOB"}),
]


@pytest.mark.parametrize(("giver", "kind", "visibility", "dm", "home"), MATRIX)
def test_visibility_matrix(slack, fake, org, db, giver, kind, visibility, dm, home, inflight):
    org.standard()
    secret = f"SECRET-{kind}-{visibility}-{giver}"
    assert (
        open_and_submit(
            slack, fake, giver, recipients=["UBOB"], kind=kind, visibility=visibility, text=secret
        )
        is None
    )
    assert fake.wait_for(lambda: all(fake.dms_to(u) for u in dm))
    assert fake.wait_for(lambda: fake.dms_to(giver))  # the giver's confirmation
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    for user in PEOPLE:
        got_dm = secret in dump(fake.dms_to(user))
        assert got_dm == (user in dm), (user, "DM")
    public = kind == "praise" and visibility == "public"
    assert (secret in channel_posts(fake)) == public
    if public:
        assert secret in dump(fake.messages("CRECOG"))
    for user in PEOPLE:
        if user == giver:
            continue
        assert (secret in home_of(slack, fake, user)) == (user in home), (user, "Home")
    # Whatever else happened, nobody outside the allowed set saw it anywhere.
    allowed = dm | home | {giver}
    for user in PEOPLE:
        if user not in allowed:
            assert secret not in seen_by(fake, user), user
    [fb] = rows(db)
    assert (fb.kind, fb.visibility) == (kind, visibility)


def test_hr_sees_counts_and_trends_never_text(slack, fake, org):
    org.standard()
    slack.command("UALICE", "/feedback", "<@UBOB> correction HR-MUST-NOT-SEE")
    slack.command("UCAROL", "/feedback", "<@UBOB> praise HR-MUST-NOT-SEE-2")
    assert fake.wait_for(lambda: len(fake.dms_to("UBOB")) == 2)
    home = home_of(slack, fake, "UHR")
    assert "Feedback across the company (counts only)" in home
    assert "Correction: 1 this month" in home and "Praise: 1 this month" in home
    slack.command("UHR", "/feedback", "list")
    listed = reply_text(fake, "UHR")
    assert "Correction: 1 this month" in listed
    assert "HR-MUST-NOT-SEE" not in home + listed + seen_by(fake, "UHR")


# --- quick form -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "label"),
    [
        ("<@UBOB> please send quotes faster", "suggestion", "Suggestion"),
        ("<@UBOB> correction please send quotes faster", "correction", "Correction"),
        ("<@UBOB> Praise please send quotes faster", "praise", "Praise"),
        ("<@UBOB> 改进 please send quotes faster", "correction", "Correction"),
        ("<@UBOB> 表扬 please send quotes faster", "praise", "Praise"),
    ],
)
def test_quick_form_delivers_privately_without_modal(slack, fake, org, db, text, kind, label):
    org.standard()
    slack.command("UALICE", "/feedback", text)
    dm = wait_dm(fake, "UBOB")
    assert "please send quotes faster" in dump([dm]) and label in dump([dm])
    assert "delivered privately to <@UBOB>" in reply_text(fake, "UALICE")
    assert fake.views("open") == [] and channel_posts(fake) == ""
    [fb] = rows(db)
    assert (fb.kind, fb.visibility, fb.message) == (kind, "private", "please send quotes faster")


def test_quick_form_in_chinese(slack, fake, org, db):
    org.standard()
    slack.command("UEMGR", "/feedback", "@小王 改进 报价要更快一些")
    dm = dump([wait_dm(fake, "UXW")])
    assert "报价要更快一些" in dm and "改进" in dm and "谢谢" in dm and "我们聊聊" in dm
    assert rows(db)[0].kind == "correction"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("frobnicate", "`/feedback frobnicate` is not something I know"),
        ("<@UBOB>", "write the feedback itself"),
        ("<@UBOB> correction", "write the feedback itself"),
        ("<@UALICE> note to self", "can't send it to yourself"),
        ("@nobody hello", "couldn't find @nobody"),
        ("<@UBOTX> hello", "is a bot"),
    ],
)
def test_quick_form_refusals_store_nothing(slack, fake, org, db, text, expected, inflight):
    org.standard()
    fake.add_user("UBOTX", name="otherbot", real_name="Other Bot", is_bot=True)
    slack.command("UALICE", "/feedback", text)
    reply = reply_text(fake, "UALICE")
    assert expected in reply
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert rows(db) == [] and fake.messages() == []


def test_help_in_both_languages(slack, fake, org):
    org.standard()
    slack.command("UALICE", "/feedback", "help")
    assert "/feedback request @a @b for @rep about topic" in reply_text(fake, "UALICE")
    slack.command("UXW", "/feedback", "help")
    assert "改进和建议永远不会公开" in reply_text(fake, "UXW")


# --- acknowledgement buttons -------------------------------------------------------------------


def press(slack, user: str, action: str, value: str):
    container = {"type": "message", "channel_id": "D" + user, "message_ts": "1700000000.000100"}
    return slack.block_action(user, action, value, container=container, channel_id="D" + user)


def test_thanks_records_ack_updates_dm_and_double_click_is_idempotent(
    slack, fake, org, db, inflight
):
    org.standard()
    slack.command("UALICE", "/feedback", "<@UBOB> praise great call")
    value = button_value(wait_dm(fake, "UBOB"), views.THANKS)
    press(slack, "UBOB", views.THANKS, value)
    press(slack, "UBOB", views.THANKS, value)  # double click
    assert fake.wait_for(lambda: len(fake.calls_to("chat.update")) == 2)
    for update in fake.calls_to("chat.update"):
        assert update.params["channel"] == "DUBOB"
        assert "You thanked <@UALICE>" in dump([update])
        assert views.THANKS not in dump([update]) and views.DISCUSS not in dump([update])
    notices = [c for c in fake.dms_to("UALICE") if "said thanks" in dump([c])]
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert len([c for c in fake.dms_to("UALICE") if "said thanks" in dump([c])]) == 1
    assert "great call" not in dump(notices)  # the giver is told, the text isn't repeated
    [fb] = rows(db)
    assert fb.ack == "thanks" and fb.ack_at is not None


def test_lets_discuss_notifies_the_giver_once(slack, fake, org, db, inflight):
    org.standard()
    slack.command("UALICE", "/feedback", "<@UXW> suggestion 多跟进老客户")
    value = button_value(wait_dm(fake, "UXW"), views.DISCUSS)
    press(slack, "UXW", views.DISCUSS, value)
    assert fake.wait_for(
        lambda: any("would like to discuss" in dump([c]) for c in fake.dms_to("UALICE"))
    )
    assert fake.wait_for(lambda: fake.calls_to("chat.update"))
    assert "你希望和 <@UALICE> 聊聊" in dump(fake.calls_to("chat.update"))
    press(slack, "UXW", views.THANKS, value)  # the other button, pressed before the update landed
    assert fake.wait_for(lambda: len(fake.calls_to("chat.update")) == 2)
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert len([c for c in fake.dms_to("UALICE") if "UXW" in dump([c])]) == 1
    assert rows(db)[0].ack == "discuss"


def test_only_the_recipient_can_press_the_buttons(slack, fake, org, db):
    org.standard()
    slack.command("UALICE", "/feedback", "<@UBOB> correction secret words")
    value = button_value(wait_dm(fake, "UBOB"), views.THANKS)
    slack.block_action("UCAROL", views.THANKS, value, channel_id="DUCAROL")
    assert "don't have permission" in reply_text(fake, "UCAROL")
    assert rows(db)[0].ack is None and fake.calls_to("chat.update") == []
    assert "secret words" not in seen_by(fake, "UCAROL")


# --- message shortcut -------------------------------------------------------------------------


def test_message_shortcut_prefills_author_and_permalink(slack, fake, org, db):
    org.standard()
    message = {"type": "message", "user": "UBOB", "ts": "1700000001.000200", "text": "deal!"}
    slack.shortcut("UEMGR", views.SHORTCUT, message=message, channel_id="CSALES")
    view = opened_view(fake)
    [recipients] = [b for b in view["blocks"] if b.get("block_id") == "fb_recipients"]
    assert recipients["element"]["initial_users"] == ["UBOB"]
    [text_block] = [b for b in view["blocks"] if b.get("block_id") == "fb_message"]
    link = "https://fake.slack.com/archives/CSALES/p1700000001000200"
    assert text_block["element"]["initial_value"].startswith(link)
    slack.view_submission(
        "UEMGR",
        view,
        modal_values(recipients=["UBOB"], kind="praise", text=f"{link}\nLovely close"),
    )
    dm = dump([wait_dm(fake, "UBOB")])
    assert link in dm and "Lovely close" in dm
    assert rows(db)[0].giver_id is not None


def test_shortcut_on_own_or_bot_message_has_no_prefilled_recipient(slack, fake, org):
    org.standard()
    own = {"type": "message", "user": "UEMGR", "ts": "1.000300", "text": "mine"}
    slack.shortcut("UEMGR", views.SHORTCUT, message=own, channel_id="CSALES")
    bot = {"type": "message", "user": "UBOT", "bot_id": "BBOT", "ts": "1.000400", "text": "b"}
    slack.shortcut("UEMGR", views.SHORTCUT, message=bot, channel_id="CSALES")
    for n in (1, 2):
        [recipients] = [
            b for b in opened_view(fake, n)["blocks"] if b.get("block_id") == "fb_recipients"
        ]
        assert "initial_users" not in recipients["element"]


# --- a correction never leaks -----------------------------------------------------------------


def test_a_correction_never_reaches_channels_other_homes_or_logs(slack, fake, org, db, caplog):
    caplog.set_level(logging.DEBUG)
    org.standard()
    secret = "CORRECTION-TEXT-7f3a"
    open_and_submit(slack, fake, "UALICE", recipients=["UBOB"], kind="correction", text=secret)
    value = button_value(wait_dm(fake, "UBOB"), views.DISCUSS)
    press(slack, "UBOB", views.DISCUSS, value)
    slack.command("UBOB", "/feedback", "list")
    assert secret in reply_text(fake, "UBOB")
    slack.command("UEMGR", "/feedback", f"<@UBOB> correction {secret}-2")
    wait_dm(fake, "UBOB", 2)
    for user in PEOPLE:
        home = home_of(slack, fake, user)
        assert (secret in home) == (user in ("UBOB", "UEMGR", "UDIR")), user
        if user in ("UEMGR", "UDIR"):
            # They see the correction their chain gave, not alice's private one.
            assert f"{secret}-2" in home and secret not in home.replace(f"{secret}-2", "")
    assert secret not in channel_posts(fake)
    for user in ("UHR", "UCAROL", "UWMGR", "UXW"):
        assert secret not in seen_by(fake, user)
    loud = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert loud, "the flow logs at INFO (so this test would catch a leak)"
    assert not [r.getMessage() for r in loud if secret in r.getMessage()]
    with db.session() as s:  # stored once per recipient DM in the outbox, nowhere else
        assert all(d.channel in ("UBOB", "UALICE") for d in s.exec(select(Delivery)).all())


def test_list_shows_received_kudos_and_manager_counts(slack, fake, org):
    org.standard()
    slack.command("UALICE", "/kudos", "<@UBOB> great #teamwork")
    reply_text(fake, "UALICE")
    slack.command("UALICE", "/feedback", "<@UBOB> praise first")
    assert fake.wait_for(lambda: len(fake.dms_to("UBOB")) == 2)  # in order: newest is known
    slack.command("UCAROL", "/feedback", "<@UBOB> correction second")
    assert fake.wait_for(lambda: len(fake.dms_to("UBOB")) == 3)
    slack.command("UBOB", "/feedback", "list")
    text = reply_text(fake, "UBOB")
    assert text.index("second") < text.index("first")  # newest first
    assert "from <@UCAROL>" in text and "`#Teamwork` ×1" in text
    assert "Your direct reports" not in text
    slack.command("UEMGR", "/feedback", "list")
    mgr = reply_text(fake, "UEMGR")
    assert "Your direct reports this month" in mgr
    assert "<@UBOB>: Praise 1 · Correction 1 · Suggestion 0 · kudos 1" in mgr
    assert "<@UALICE>: Praise 0 · Correction 0 · Suggestion 0 · kudos 0" in mgr
    assert "second" not in mgr  # carol's correction was private and carol isn't in the chain


def test_metadata_of_modal_is_json(slack, fake, org):
    org.standard()
    slack.command("UALICE", "/feedback", "")
    assert json.loads(opened_view(fake)["private_metadata"]) == {}


def test_list_dates_feedback_in_the_readers_time_zone(slack, fake, org, deps):
    """Given at 20:00 UTC on Nov 26 = 04:00 on Nov 27 in Shanghai: a reader there sees Nov 27
    (the demo found the UTC day shown)."""
    from datetime import UTC, datetime

    org.standard()
    deps.clock = lambda: datetime(2026, 11, 26, 20, 0, tzinfo=UTC)
    slack.command("UALICE", "/feedback", "<@UBOB> praise early start")
    wait_dm(fake, "UBOB")
    slack.command("UBOB", "/feedback", "list")
    text = reply_text(fake, "UBOB")
    assert "Nov 27, 2026" in text and "Nov 26, 2026" not in text
