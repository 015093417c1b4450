"""The recognition channel speaks its own language (`[channels] recognition_locale`), not the
workspace's nor the giver's; "bilingual" puts both languages in one card. DMs stay in each
person's own language. Through the real endpoint, asserting on what the channel got."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.core.config import AppConfig
from bot.features import find_job
from bot.i18n import t
from storage.models.core import Delivery
from storage.types import utcnow
from tests.support.feedback import CONFIG, dump, open_and_submit, reply_text

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")


def configured(locale: str | None, default: str) -> AppConfig:
    channels = {**CONFIG["channels"], "recognition_locale": locale}
    workspace = {**CONFIG["workspace"], "default_locale": default}
    return AppConfig.model_validate({**CONFIG, "channels": channels, "workspace": workspace})


def card_title(locale: str, giver: str, *recipients: str) -> str:
    who = t("value.separator", locale).join(f"<@{r}>" for r in recipients)
    return t("kudos.card", locale, giver=f"<@{giver}>", recipients=who)


@pytest.mark.parametrize("config", [configured("en-US", "zh-CN")])
def test_english_recognition_channel_in_a_chinese_workspace(slack, fake, org, config):
    org.standard()
    slack.command("UALICE", "/kudos", "<@UXW> great call with Globex #teamwork")
    reply = reply_text(fake, "UALICE")
    [card] = fake.messages("CRECOG")
    text = dump([card])
    assert card.params["text"] == ":clap: <@UALICE> praised <@UXW>\ngreat call with Globex"
    assert "Values: `#Teamwork`" in text
    assert not CJK.search(text), text  # no Chinese label, no Chinese title
    # The people keep their own languages: the giver's reply in English, 小王's DM in Chinese.
    assert "Kudos posted for" in reply
    assert fake.wait_for(lambda: fake.dms_to("UXW"))
    [dm] = fake.dms_to("UXW")
    assert dm.params["text"].startswith(t("kudos.dm", "zh-CN", giver="<@UALICE>", link="")[:6])


@pytest.mark.parametrize("config", [configured("zh-CN", "en-US")])
def test_chinese_recognition_channel_for_an_english_giver(slack, fake, org, config):
    org.standard()
    slack.command("UALICE", "/kudos", "<@UBOB> great call #teamwork")
    assert "Kudos posted for" in reply_text(fake, "UALICE")
    [card] = fake.messages("CRECOG")
    assert card_title("zh-CN", "UALICE", "UBOB") in card.params["text"]
    assert "`#团队合作`" in dump([card]) and "Teamwork" not in dump([card])


@pytest.mark.parametrize("config", [configured("bilingual", "en-US")])
def test_bilingual_recognition_channel_gets_one_card_in_both_languages(slack, fake, org, config):
    org.standard()
    slack.command("UALICE", "/kudos", "<@UBOB> <@UXW> nailed the demo #teamwork")
    reply_text(fake, "UALICE")
    [card] = fake.messages("CRECOG")  # one card, not one per language
    en = card_title("en-US", "UALICE", "UBOB", "UXW")
    zh = card_title("zh-CN", "UALICE", "UBOB", "UXW")
    assert card.params["text"] == f"{en} / {zh}\nnailed the demo"  # the fallback: both
    [body, tags] = card.params["blocks"]
    assert body["text"]["text"] == f"{en}\n{zh}\n> nailed the demo"  # the words quoted once
    shown = tags["elements"][0]["text"]
    assert "Values: `#Teamwork`" in shown and "`#团队合作`" in shown
    assert fake.violations == []


@pytest.mark.parametrize("config", [configured("en-US", "zh-CN")])
def test_emoji_kudos_card_in_the_channels_language(slack, fake, org, config):
    org.standard()
    slack.event(
        {
            "type": "reaction_added",
            "user": "UXW",
            "reaction": "clap",
            "item_user": "UBOB",
            "item": {"type": "message", "channel": "CSALES", "ts": "1.000100"},
        }
    )
    assert fake.wait_for(lambda: fake.messages("CRECOG"))
    [card] = fake.messages("CRECOG")
    assert card.params["text"].startswith(":clap: <@UXW> praised <@UBOB>\n:clap: for ")
    assert not CJK.search(card.params["text"])


@pytest.mark.parametrize("config", [configured("en-US", "zh-CN")])
def test_public_praise_in_the_channels_language_not_the_givers(slack, fake, org, config):
    org.standard()
    resp = open_and_submit(
        slack, fake, "UXW", recipients=["UBOB"], kind="praise", visibility="public", text="谢谢"
    )
    assert resp is None
    assert fake.wait_for(lambda: fake.messages("CRECOG"))
    [card] = fake.messages("CRECOG")
    assert card.params["text"] == ":clap: <@UXW> praised <@UBOB>\n谢谢"


@pytest.mark.parametrize("config", [configured("bilingual", "zh-CN")])
def test_a_card_posted_late_keeps_the_channels_languages(slack, fake, org, deps, config):
    """Refused at first, the card goes out on the outbox's retry exactly as it was written:
    both languages, though the giver writes Chinese and the workspace is Chinese."""
    org.standard()
    fake.fail_next("chat.postMessage", status=500)
    slack.command("UXW", "/kudos", "<@UBOB> 谢谢 #teamwork")
    reply_text(fake, "UXW")
    with deps.db.session() as session:  # the retry is due (its backoff elapsed)
        [card] = session.exec(select(Delivery).where(Delivery.key.endswith(":card"))).all()
        card.next_attempt_at = utcnow() - timedelta(seconds=1)
        session.add(card)
    assert "failed 0" in find_job("deliver-outbox").func(deps, utcnow())
    first, retried = [
        c for c in fake.calls_to("chat.postMessage") if c.params["channel"] == "CRECOG"
    ]
    assert first.params == retried.params  # the refused post, then the same card again
    en, zh = card_title("en-US", "UXW", "UBOB"), card_title("zh-CN", "UXW", "UBOB")
    assert retried.params["text"] == f"{zh} / {en}\n谢谢"  # the workspace's language first
    assert "`#Teamwork`" in dump([retried]) and "`#团队合作`" in dump([retried])
