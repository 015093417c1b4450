"""Day one with /feedback through the real endpoint: a first word that looks like a type is
asked about (nothing sent, nothing stored), `/feedback list extra` says what it didn't
understand, and the form's KPI field is marked optional once (by Slack)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.core.config import AppConfig
from storage.models.feedback import Feedback
from tests.support.feedback import CONFIG, PEOPLE, opened_view, reply_text, seen_by


@pytest.fixture
def config() -> AppConfig:
    return AppConfig.model_validate(CONFIG)


def rows(db) -> list[Feedback]:
    with db.session() as s:
        return list(s.exec(select(Feedback)).all())


@pytest.mark.parametrize(
    ("user", "text", "expected"),
    [
        ("UALICE", "<@UBOB> critique your intro ran long", "Did you mean *correction*?"),
        ("UALICE", "<@UBOB> corection your intro ran long", "Did you mean *correction*?"),
        ("UALICE", "<@UBOB> Praize the demo was great", "Did you mean *praise*?"),
        ("UALICE", "<@UBOB> sugestions: shorter intro", "Did you mean *suggestion*?"),
        ("UALICE", "<@UBOB> 批评 开场太长", "Did you mean *correction*?"),
        ("UXW", "<@UBOB> critique 开场太长", "你是想说 *改进* 吗？"),
        ("UXW", "<@UBOB> 称赞 演示很精彩", "你是想说 *表扬* 吗？"),
    ],
)
def test_a_word_close_to_a_type_is_asked_about_and_nothing_is_sent(
    slack, fake, org, db, inflight, user, text, expected
):
    org.standard()
    slack.command(user, "/feedback", text)
    reply = reply_text(fake, user)
    assert expected in reply
    word = text.split()[1]
    assert f"“{word}”" in reply  # names what was typed
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert rows(db) == [] and fake.messages() == []  # before: stored and sent as a suggestion
    for person in PEOPLE:
        if person != user:
            assert seen_by(fake, person) == "", person


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("<@UBOB> great demo today", "suggestion", "great demo today"),
        ("<@UBOB> connection with the client was strong", "suggestion", None),
        ("<@UBOB> praise: great demo", "praise", "great demo"),
        ("<@UBOB> 改进：报价太慢", "correction", "报价太慢"),
    ],
)
def test_ordinary_first_words_and_a_type_with_a_colon_are_sent(
    slack, fake, org, db, text, kind, message
):
    org.standard()
    slack.command("UALICE", "/feedback", text)
    assert "delivered privately to <@UBOB>" in reply_text(fake, "UALICE")
    [fb] = rows(db)
    assert fb.kind == kind
    assert fb.message == (message or text.split(" ", 1)[1])


def test_list_with_extra_words_says_what_it_did_not_understand(slack, fake, org, db):
    org.standard()
    slack.command("UALICE", "/feedback", "list extra")
    reply = reply_text(fake, "UALICE")
    assert "I didn't understand “extra”: `/feedback list` takes nothing after it." in reply
    assert "Usage: `/feedback list` shows" in reply
    slack.command("UXW", "/feedback", "list 本周 <!channel>")
    zh = reply_text(fake, "UXW")
    assert "我没看懂“本周 @\u2060channel”：`/feedback list` 后面不需要写任何内容。" in zh
    assert "用法：`/feedback list`" in zh
    slack.command("UALICE", "/feedback", "list")  # alone, it still shows the overview
    assert "I didn't understand" not in reply_text(fake, "UALICE", 2)
    assert fake.messages() == [] and rows(db) == []


@pytest.mark.parametrize(("user", "label"), [("UALICE", "Related KPI"), ("UXW", "相关指标")])
def test_the_kpi_field_is_marked_optional_once(slack, fake, org, user, label):
    org.standard()
    slack.command(user, "/feedback", "")
    [metric] = [b for b in opened_view(fake)["blocks"] if b.get("block_id") == "fb_metric"]
    # Slack adds "(optional)" / "（可选）" itself to an input with optional: true.
    assert metric["optional"] is True
    assert metric["label"]["text"] == label
    shown = metric["label"]["text"] + metric["element"]["placeholder"]["text"]
    assert "optional" not in shown.lower() and "可选" not in shown
