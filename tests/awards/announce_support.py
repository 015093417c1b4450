"""Shared pieces of the announcing tests: a config with four award kinds over the known
November 2026 numbers (tests/support/kpi_fixture.py), the workspace clock on 1 December, and
helpers to press HR's card as Slack sends it."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.core.config import AppConfig
from demo.slack_emulator import Call, FakeSlack
from demo.slack_requests import SlackRequests
from tests.conftest import TEST_CONFIG
from tests.support.kpi_fixture import METRICS

T = "T0001"
AWARDS = [
    {"key": "champion", "name_en": "Sales Champion", "name_zh": "销售冠军", "emoji": ":trophy:",
     "criterion": "composite", "prize_en": "CNY 5,000 bonus", "prize_zh": "奖金 5,000 元"},
    {"key": "fastest", "name_en": "Fastest Responder", "name_zh": "响应之星", "emoji": ":zap:",
     "criterion": "metric:response_hours"},
    {"key": "closer", "name_en": "Top Closer", "name_zh": "签单王", "emoji": ":moneybag:",
     "criterion": "metric:revenue"},
    {"key": "liked", "name_en": "Most Appreciated", "name_zh": "人气之星", "emoji": ":clap:",
     "criterion": "kudos"},
]  # fmt: skip
# Tuesday 1 December 2026, 10:00 in Shanghai: the first working day after November.
DEC_1 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def awards_config(**channels: Any) -> AppConfig:
    data = {**TEST_CONFIG, "metrics": METRICS, "awards": AWARDS}
    data["channels"] = {**TEST_CONFIG["channels"], **channels}
    return AppConfig.model_validate(data)


def channel_cards(fake: FakeSlack, channel: str = "CANNOUNCE") -> list[dict[str, Any]]:
    return [c.params for c in fake.messages(channel)]


def card_text(payload: dict[str, Any]) -> str:
    parts = [payload.get("text", "")]
    for block in payload.get("blocks") or []:
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        for element in block.get("elements") or []:
            if isinstance(element.get("text"), str):
                parts.append(element["text"])
            elif isinstance(element.get("text"), dict):
                parts.append(element["text"]["text"])
    return "\n".join(parts)


def hr_card(fake: FakeSlack, user: str = "UHR", n: int = 1) -> Call:
    assert fake.wait_for(lambda: len(fake.dms_to(user)) >= n), fake.calls
    return fake.dms_to(user)[n - 1]


def award_actions(card: Call, award: str) -> dict[str, Any]:
    """The actions block of one award on HR's card."""
    for block in card.params["blocks"]:
        if block.get("type") == "actions" and block.get("block_id", "").startswith(
            f"award|{award}|"
        ):
            return block
    raise AssertionError(f"no actions for {award} in {card.params['blocks']}")


def _container(card: Call) -> dict[str, Any]:
    assert card.response is not None
    return {
        "type": "message",
        "channel_id": card.response["channel"],
        "message_ts": card.response["ts"],
    }


def press_announce(slack: SlackRequests, user: str, card: Call, award: str) -> Any:
    block = award_actions(card, award)
    button = next(e for e in block["elements"] if e["action_id"] == "award_announce")
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "actions": [
            {"action_id": "award_announce", "block_id": block["block_id"],
             "value": button["value"], "type": "button"}
        ],
        "container": _container(card),
        "channel": {"id": card.response["channel"]},  # type: ignore[index]
        "response_url": slack._response_url(f"act-{user}-{threading.get_ident()}", user=user),
    }  # fmt: skip
    return slack.interaction(payload)


def pick(
    slack: SlackRequests, user: str, card: Call, award: str, *, candidate: str | None = None,
    anyone: str | None = None,
) -> Any:  # fmt: skip
    """Choose another candidate (static_select) or anyone (users_select) on HR's card."""
    block = award_actions(card, award)
    if candidate is not None:
        action = {"action_id": "award_pick_candidate", "type": "static_select",
                  "selected_option": {"value": candidate}}  # fmt: skip
    else:
        action = {"action_id": "award_pick_user", "type": "users_select", "selected_user": anyone}
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "actions": [{**action, "block_id": block["block_id"]}],
        "container": _container(card),
        "response_url": slack._response_url(f"pick-{user}", user=user),
    }
    return slack.interaction(payload)


def reason_values(text: str) -> dict[str, Any]:
    return {"award_reason": {"value": {"type": "plain_text_input", "value": text}}}


def at_once(*sends: Callable[[], object]) -> list[object]:
    """Run the sends in parallel threads, released together by a barrier."""
    start = threading.Barrier(len(sends))
    out: list[object] = [None] * len(sends)

    def run(i: int) -> None:
        start.wait()
        out[i] = sends[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sends))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return out


def kpi_figures(text: str) -> tuple[str, str, str]:
    """(composite, company rank "1 of 3", team rank "1 of 2") from /kpi's English reply."""
    score = re.search(r"Composite score: ([\d.,]+%)", text)
    ranks = re.search(r"#(\d+) of (\d+) in team .*? · #(\d+) of (\d+) in the company", text)
    assert score and ranks, text
    team_rank, team_size, rank, size = ranks.groups()
    return score[1], f"{rank} of {size}", f"{team_rank} of {team_size}"
