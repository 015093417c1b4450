"""/kudos and the emoji path through the real endpoint: cards, DMs, values, every refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.core.config import AppConfig
from storage.models.feedback import Kudos, KudosRecipient, KudosValue
from tests.support.feedback import CONFIG, channel_posts, dump, home_of, reply_text


@pytest.fixture
def config() -> AppConfig:
    return AppConfig.model_validate({**CONFIG, "kudos": {"max_recipients": 3, "daily_limit": 2}})


def kudos_rows(db) -> list[Kudos]:
    with db.session() as s:
        return list(s.exec(select(Kudos)).all())


def test_kudos_posts_card_confirms_and_dms_each_recipient_with_permalink(slack, fake, org, db):
    org.standard()
    slack.command("UALICE", "/kudos", "<@UBOB|bob> <@UXW> nailed the demo #teamwork #great")
    reply = reply_text(fake, "UALICE")
    assert fake.wait_for(lambda: len(fake.dms_to("UXW")) == 1 and len(fake.dms_to("UBOB")) == 1)
    [card] = fake.messages("CRECOG")
    text = dump([card])
    assert "<@UALICE>" in text and "<@UBOB>" in text and "<@UXW>" in text
    assert "nailed the demo #great" in text  # unknown tag stays as text
    assert "#teamwork" not in card.params["text"] and "`#Teamwork`" in text  # known: a value
    permalink = fake.calls_to("chat.getPermalink")[0]
    assert permalink.params["channel"] == "CRECOG"
    link = "https://fake.slack.com/archives/CRECOG/p"
    assert link in dump(fake.dms_to("UBOB")) and link in dump(fake.dms_to("UXW"))
    assert "gave you kudos" in dump(fake.dms_to("UBOB"))
    assert "为你点赞" in dump(fake.dms_to("UXW"))  # the zh-CN recipient
    assert "Kudos posted for" in reply and link in reply
    assert fake.dms_to("UALICE") == [] and fake.dms_to("UEMGR") == []
    with db.session() as s:
        [k] = s.exec(select(Kudos)).all()
        assert k.permalink and k.permalink.startswith(link) and k.ts
        assert len(s.exec(select(KudosRecipient)).all()) == 2
        assert [v.value_key for v in s.exec(select(KudosValue)).all()] == ["teamwork"]


def test_chinese_kudos_with_handle_and_chinese_value(slack, fake, org, db):
    org.standard()
    slack.command("UBOB", "/kudos", "@小王 签下了华东大单 #客户第一")
    reply_text(fake, "UBOB")
    [card] = fake.messages("CRECOG")
    assert "签下了华东大单" in card.params["text"] and "<@UXW>" in card.params["text"]
    with db.session() as s:
        assert [v.value_key for v in s.exec(select(KudosValue)).all()] == ["customer"]
    home = home_of(slack, fake, "UXW")
    assert "本月点赞" in home and "`#客户第一` ×1" in home and "*1* 个点赞" in home


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "Who is the kudos for?"),
        ("great work everyone", "Who is the kudos for?"),
        ("<@UALICE> I did great", "can't give kudos to yourself"),
        ("<@UBOB> <@UALICE> we did great", "can't give kudos to yourself"),
        ("@nobody thanks", "couldn't find @nobody"),
        ("<@UBOTX> thanks", "is a bot"),
        ("<@UBOB>", "say what the kudos is for"),
        ("<@UBOB> #teamwork", "say what the kudos is for"),
        ("<@UBOB> <@UXW> <@UCAROL> <@UEMGR> thanks all", "at most 3"),
        ("<@UBOB> " + "x" * 3001, "at most 3000 characters"),
    ],
)
def test_refusals_explain_and_store_nothing(slack, fake, org, db, text, expected, inflight):
    org.standard()
    fake.add_user("UBOTX", name="otherbot", real_name="Other Bot", is_bot=True)
    slack.command("UALICE", "/kudos", text)
    assert expected in reply_text(fake, "UALICE")
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert fake.messages() == [] and kudos_rows(db) == []


def test_no_recognition_channel_refuses(slack, fake, org, db, deps):
    org.standard()
    deps.config.channels.recognition = None
    slack.command("UALICE", "/kudos", "<@UBOB> thanks")
    assert "isn't set up yet" in reply_text(fake, "UALICE")
    assert kudos_rows(db) == []


def test_daily_limit_counts_the_givers_own_day(slack, fake, org, db, deps):
    org.standard()
    org.person("ULA", "Larry LA", timezone="America/Los_Angeles")
    # 07:30 UTC on the 26th is 23:30 on the 25th in Los Angeles.
    deps.clock = lambda: datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
    for n in (1, 2):
        slack.command("ULA", "/kudos", f"<@UBOB> thanks {n}")
        assert "Kudos posted" in reply_text(fake, "ULA", n)
    slack.command("ULA", "/kudos", "<@UBOB> thanks 3")
    assert "today's limit of 2 kudos" in reply_text(fake, "ULA", 3)
    assert len(kudos_rows(db)) == 2
    # Midnight has passed in Los Angeles (08:30 UTC = 00:30 local): a new day.
    deps.clock = lambda: datetime(2026, 11, 26, 8, 30, tzinfo=UTC)
    slack.command("ULA", "/kudos", "<@UBOB> thanks 4")
    assert "Kudos posted" in reply_text(fake, "ULA", 4)
    assert len(kudos_rows(db)) == 3


def test_daily_limit_for_shanghai_giver_resets_at_local_midnight(slack, fake, org, db, deps):
    org.standard()
    # 15:30 UTC is 23:30 in Shanghai; 16:30 UTC is 00:30 the next day there.
    deps.clock = lambda: datetime(2026, 11, 26, 15, 30, tzinfo=UTC)
    for n in (1, 2, 3):
        slack.command("UALICE", "/kudos", f"<@UBOB> thanks {n}")
        reply_text(fake, "UALICE", n)
    assert "limit" in reply_text(fake, "UALICE", 3)
    deps.clock = lambda: datetime(2026, 11, 26, 16, 30, tzinfo=UTC)
    slack.command("UALICE", "/kudos", "<@UBOB> thanks 4")
    assert "Kudos posted" in reply_text(fake, "UALICE", 4)


def test_help_lists_values_limit_and_emoji_in_users_language(slack, fake, org):
    org.standard()
    slack.command("UALICE", "/kudos", "help")
    text = reply_text(fake, "UALICE")
    assert "`#customer-first`" in text and "`#teamwork`" in text and "2 kudos a day" in text
    assert ":clap:" in text
    slack.command("UXW", "/kudos", "帮助")
    zh = reply_text(fake, "UXW")
    assert "#客户第一" in zh and "每天可以点赞 2 次" in zh


# --- the emoji path ---------------------------------------------------------------------------


def react(slack, user: str, author: str, *, added: bool = True, emoji: str = "clap", ts="1.000100"):
    return slack.event(
        {
            "type": "reaction_added" if added else "reaction_removed",
            "user": user,
            "reaction": emoji,
            "item_user": author,
            "item": {"type": "message", "channel": "CSALES", "ts": ts},
        }
    )


def test_clap_reaction_gives_kudos_to_the_author_and_removal_in_time_withdraws(
    slack, fake, org, db, deps, inflight
):
    org.standard()
    start = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
    deps.clock = lambda: start
    react(slack, "UALICE", "UBOB", emoji="clap::skin-tone-3")
    assert fake.wait_for(lambda: len(fake.dms_to("UBOB")) == 1)
    [card] = fake.messages("CRECOG")
    assert "<@UALICE>" in card.params["text"] and "<@UBOB>" in card.params["text"]
    assert "https://fake.slack.com/archives/CSALES/p1000100" in card.params["text"]
    react(slack, "UALICE", "UBOB")  # the same reaction again (e.g. another skin tone): no new kudos
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert len(fake.messages("CRECOG")) == 1
    deps.clock = lambda: start + timedelta(minutes=4)
    react(slack, "UALICE", "UBOB", added=False)
    assert fake.wait_for(lambda: fake.calls_to("chat.delete"))
    assert fake.calls_to("chat.delete")[0].params["channel"] == "CRECOG"
    assert fake.wait_for(lambda: fake.calls_to("chat.update"))
    assert "withdrawn" in dump(fake.calls_to("chat.update"))
    # The row is committed just after the Slack calls: wait for it too.
    assert fake.wait_for(lambda: kudos_rows(db)[0].withdrawn_at is not None)


def test_removing_the_reaction_late_keeps_the_kudos(slack, fake, org, db, deps, inflight):
    org.standard()
    start = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
    deps.clock = lambda: start
    react(slack, "UALICE", "UBOB")
    assert fake.wait_for(lambda: len(fake.dms_to("UBOB")) == 1)
    deps.clock = lambda: start + timedelta(minutes=6)
    react(slack, "UALICE", "UBOB", added=False)
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert fake.calls_to("chat.delete") == []
    assert kudos_rows(db)[0].withdrawn_at is None


@pytest.mark.parametrize(
    ("user", "author", "emoji", "told"),
    [
        ("UALICE", "UALICE", "clap", "can't give kudos to yourself"),
        ("UALICE", "UBOTX", "clap", "is a bot"),
        ("UALICE", "UBOB", "thumbsup", None),
    ],
)
def test_emoji_refusals_tell_only_the_giver_and_store_nothing(
    slack, fake, org, db, user, author, emoji, told, inflight
):
    org.standard()
    fake.add_user("UBOTX", name="otherbot", real_name="Other Bot", is_bot=True)
    react(slack, user, author, emoji=emoji)
    if told:
        assert fake.wait_for(lambda: fake.calls_to("chat.postEphemeral"))
        [note] = fake.calls_to("chat.postEphemeral")
        assert note.params["user"] == user and note.params["channel"] == "CSALES"
        assert told in note.params["text"]
    else:
        assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert fake.messages() == [] and kudos_rows(db) == []


def test_emoji_kudos_share_the_daily_limit(slack, fake, org, db):
    org.standard()
    slack.command("UALICE", "/kudos", "<@UBOB> one")
    slack.command("UALICE", "/kudos", "<@UXW> two")
    reply_text(fake, "UALICE", 2)
    react(slack, "UALICE", "UCAROL")
    assert fake.wait_for(lambda: fake.calls_to("chat.postEphemeral"))
    assert "limit of 2 kudos" in fake.calls_to("chat.postEphemeral")[0].params["text"]
    assert len(kudos_rows(db)) == 2
    assert "UCAROL" not in channel_posts(fake)
