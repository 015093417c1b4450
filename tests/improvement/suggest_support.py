"""What the suggestion box tests share: a config with the suggestions channel, driving the
form, the buttons and the reply modal as Slack does, and reading the rows back."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlmodel import select

from bot.core.config import AppConfig
from bot.improvement import suggestion_form_views as form_views
from bot.improvement import suggestion_views as views
from demo.slack_emulator import Call, FakeSlack
from demo.slack_requests import SlackRequests
from storage.db import Database
from storage.models.improvement import Suggestion, SuggestionVote
from tests.conftest import TEST_CONFIG
from tests.support.feedback import button_value, dump, opened_view

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thursday 26 November, 10:00 in Shanghai
CHANNEL = "CSUGGEST"


def suggest_config(**channels: Any) -> AppConfig:
    raw = {**TEST_CONFIG, "channels": {**TEST_CONFIG["channels"], "suggestions": CHANNEL}}
    raw["channels"].update(channels)
    return AppConfig.model_validate(raw)


def suggestions(db: Database) -> list[Suggestion]:
    with db.session() as s:
        return list(s.exec(select(Suggestion).order_by(Suggestion.id)).all())  # type: ignore[arg-type]


def votes(db: Database) -> list[SuggestionVote]:
    with db.session() as s:
        return list(s.exec(select(SuggestionVote)).all())


def form_values(
    text: str, topic: str = "other", anonymous: bool = False, share: bool = False
) -> dict[str, Any]:
    def box(on: bool) -> dict[str, Any]:
        chosen = [{"value": "yes"}] if on else []
        return {"value": {"type": "checkboxes", "selected_options": chosen}}

    return {
        form_views.B_TEXT: {"value": {"type": "plain_text_input", "value": text}},
        form_views.B_TOPIC: {"value": {"type": "radio_buttons",
                                       "selected_option": {"value": topic}}},
        form_views.B_ANON: box(anonymous),
        form_views.B_SHARE: box(share),
    }  # fmt: skip


def submit_form(slack: SlackRequests, fake: FakeSlack, user: str, **values: Any) -> Any:
    """/suggest alone, then the form submitted; the response_action JSON if any."""
    n = len(fake.views("open")) + 1
    slack.command(user, "/suggest", "")
    view = opened_view(fake, n)
    resp = slack.view_submission(user, view, form_values(**values))
    assert resp.status_code == 200
    return resp.json() if resp.content else None


def wait_dm(fake: FakeSlack, user: str, n: int = 1) -> Call:
    assert fake.wait_for(lambda: len(fake.dms_to(user)) >= n), dump(fake.calls)
    return fake.dms_to(user)[n - 1]


def wait_post(fake: FakeSlack, n: int = 1) -> Call:
    assert fake.wait_for(lambda: len(fake.messages(CHANNEL)) >= n), dump(fake.calls)
    return fake.messages(CHANNEL)[n - 1]


def click(slack: SlackRequests, user: str, action: str, card: Call, ts: str = "1.0") -> Any:
    """Press a button of a message (a DM or a channel post) as `user`."""
    channel = card.params.get("channel", "")
    return slack.block_action(
        user,
        action,
        button_value(card, action),
        channel_id=channel,
        container={"type": "message", "channel_id": channel, "message_ts": ts},
    )


def decide(
    slack: SlackRequests, fake: FakeSlack, user: str, action: str, card: Call, reply: str
) -> Any:
    """Planned or Declined: the button, then its reply modal submitted."""
    n = len(fake.views("open")) + 1
    click(slack, user, action, card)
    view = opened_view(fake, n)
    values = {form_views.B_REPLY: {"value": {"type": "plain_text_input", "value": reply}}}
    resp = slack.view_submission(user, view, values)
    assert resp.status_code == 200
    return resp.json() if resp.content else None


def updates(fake: FakeSlack, channel: str) -> list[Call]:
    return [c for c in fake.calls_to("chat.update") if c.params.get("channel") == channel]


def at_once(*sends: Callable[[], Any]) -> list[Any]:
    start = threading.Barrier(len(sends))
    out: list[Any] = [None] * len(sends)

    def run(i: int) -> None:
        start.wait()
        out[i] = sends[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sends))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert all(r is not None and r.status_code == 200 for r in out), out
    return out


ACK, PLAN, DECLINE, VOTE = views.ACKNOWLEDGE, views.PLAN, views.DECLINE, views.VOTE
