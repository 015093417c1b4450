"""User text the bot reposts pings nobody and hides no link; invisible-only text is empty.

Slash-command text arrives as Slack sends it (`<!channel>`, `<http://…|label>`, `&amp;`);
modal text arrives raw, exactly as typed."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.core.config import AppConfig
from storage.models.feedback import Feedback, FeedbackRequest, Kudos
from tests.support.feedback import (
    CONFIG,
    channel_posts,
    dump,
    home_of,
    open_and_submit,
    reply_text,
    seen_by,
)

EVIL = "<http://evil.example|click here>"
SHOWN = "click here (http://evil.example)"


@pytest.fixture
def config() -> AppConfig:
    return AppConfig.model_validate(CONFIG)


def everything_sent(fake) -> str:
    """Every Web API call and response_url post the bot made, as JSON."""
    return dump(fake.calls)


def assert_inert(sent: str) -> None:
    assert "<!" not in sent  # no special mention of any kind
    assert "|click here>" not in sent and "<http://evil" not in sent  # no link behind a label


@pytest.mark.parametrize(
    ("special", "shown"),
    [
        ("<!channel>", "@\u2060channel"),
        ("<!here>", "@\u2060here"),
        ("<!everyone>", "@\u2060everyone"),
        ("<!subteam^S0123|@sales>", "@\u2060sales"),
    ],
)
def test_kudos_with_a_special_mention_pings_nobody(slack, fake, org, special, shown):
    org.standard()
    slack.command("UALICE", "/kudos", f"<@UBOB|bob> great {special} &amp; thanks")
    assert "Kudos posted" in reply_text(fake, "UALICE")
    [card] = fake.messages("CRECOG")
    assert f"great {shown} &amp; thanks" in card.params["text"]  # the fallback too
    assert f"great {shown} &amp; thanks" in dump(card.params["blocks"])
    assert "<@UBOB>" in card.params["text"]  # a user mention still renders
    assert_inert(everything_sent(fake))


def test_kudos_with_a_disguised_link_shows_its_url(slack, fake, org):
    org.standard()
    slack.command("UALICE", "/kudos", f"<@UBOB> read {EVIL}")
    reply_text(fake, "UALICE")
    [card] = fake.messages("CRECOG")
    assert SHOWN in card.params["text"] and SHOWN in dump(card.params["blocks"])
    assert_inert(everything_sent(fake))


def test_public_praise_typed_raw_in_the_modal_pings_nobody(slack, fake, org, db):
    org.standard()
    typed = f"<!channel> see {EVIL} & <b>"
    resp = open_and_submit(
        slack, fake, "UALICE", recipients=["UBOB"], kind="praise", visibility="public", text=typed
    )
    assert resp is None  # accepted
    assert fake.wait_for(lambda: len(fake.dms_to("UBOB")) == 1 and fake.messages("CRECOG"))
    shown = f"@\u2060channel see {SHOWN} &amp; &lt;b&gt;"
    assert shown in channel_posts(fake)
    assert shown in dump(fake.dms_to("UBOB"))
    assert shown in home_of(slack, fake, "UBOB")
    assert_inert(everything_sent(fake))
    with db.session() as s:
        assert s.exec(select(Feedback.message)).one() == typed  # stored as written


def test_feedback_request_topic_pings_nobody(slack, fake, org, db):
    org.standard()
    slack.command("UALICE", "/feedback", f"request <@UBOB> about <!here> Q3 {EVIL}")
    assert fake.wait_for(lambda: len(fake.dms_to("UBOB")) == 1)
    ask = dump(fake.dms_to("UBOB"))
    assert f"@\u2060here Q3 {SHOWN}" in ask
    assert f"@\u2060here Q3 {SHOWN}" in home_of(slack, fake, "UBOB")
    assert f"@\u2060here Q3 {SHOWN}" in home_of(slack, fake, "UALICE")  # "my open requests"
    assert_inert(everything_sent(fake))
    with db.session() as s:
        assert s.exec(select(FeedbackRequest.topic)).one() == f"<!here> Q3 {EVIL}"


ZW = "\u200b\u200b\u2060\ufeff"


@pytest.mark.parametrize("text", [f"<@UBOB> {ZW}", f"<@UBOB> \u3000{ZW}\u3164 #teamwork"])
def test_kudos_of_only_invisible_characters_is_refused_as_empty(
    slack, fake, org, db, inflight, text
):
    org.standard()
    slack.command("UALICE", "/kudos", text)
    assert "say what the kudos is for" in reply_text(fake, "UALICE")
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert fake.messages() == []
    with db.session() as s:
        assert s.exec(select(Kudos)).all() == []


def test_feedback_of_only_invisible_characters_is_refused_as_empty(slack, fake, org, db, inflight):
    org.standard()
    slack.command("UALICE", "/feedback", f"<@UBOB> praise {ZW}")
    assert "write the feedback itself" in reply_text(fake, "UALICE")
    resp = open_and_submit(slack, fake, "UALICE", recipients=["UBOB"], text=f" {ZW}\u00ad\n")
    assert resp is not None and "write the feedback itself" in resp["errors"]["fb_message"]
    assert inflight.wait_idle()
    assert fake.messages() == [] and seen_by(fake, "UBOB") == ""
    with db.session() as s:
        assert s.exec(select(Feedback)).all() == []


def test_request_about_only_invisible_characters_is_refused(slack, fake, org, db, inflight):
    org.standard()
    slack.command("UALICE", "/feedback", f"request <@UBOB> about {ZW}")
    assert "`about` needs a topic" in reply_text(fake, "UALICE")
    assert inflight.wait_idle()
    assert fake.dms_to("UBOB") == []
    with db.session() as s:
        assert s.exec(select(FeedbackRequest)).all() == []
