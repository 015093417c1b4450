"""The start and nomination views read as Chinese in Chinese (full-width punctuation, no
English words but the allowed ones) and keep Block Kit's limits."""

from __future__ import annotations

from bot.reviews import start_views as views
from demo.block_limits import check_blocks, check_view
from tests.support.zh_text import bad_emphasis, english_words, half_width_next_to_cjk

ALLOWED_ENGLISH = {"SalesPulse", "Slack", "KPI", "HR"}
PERIOD = "2026-Q4"  # a period key: a code value, the same in both languages


def texts(node) -> list[str]:
    found = []
    if isinstance(node, dict):
        if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
            found.append(node["text"])
        for value in node.values():
            found += texts(value)
    elif isinstance(node, list):
        for value in node:
            found += texts(value)
    return found


def rendered_zh() -> list[dict]:
    lines = [
        views.TaskLine(1, "self", "UXW"),
        views.TaskLine(2, "nominate", "UXW", peers=2),
        views.TaskLine(3, "manager", "UBOB"),
        views.TaskLine(4, "peer", "UALICE"),
    ]
    z = "zh-CN"
    return [
        views.start_modal(z, [("east", "华东"), ("west", "华西")]),
        views.tasks_dm(z, "2026 第四季度", "2026年12月31日", lines),
        views.nominate_modal(z, 2, 2, "UXW", [], by_manager=False),
        views.nominate_modal(z, 2, 2, "UXW", ["UBOB"], by_manager=True),
        views.peer_task_dm(z, "周期", "2026年12月31日", lines[3]),
        views.peer_cancelled_dm(z, "周期", "UALICE"),
        views.peers_chosen_dm(z, "周期", "UXW", ["UBOB", "UALICE"], 2),
        views.peers_saved(z, "UXW", ["UBOB"], mine=True),
        views.peers_saved(z, "UXW", ["UBOB"], mine=False),
        views.started(z, "周期", 3, 8, 6),
    ]


def test_every_view_reads_as_chinese():
    for payload in rendered_zh():
        for text in [*texts(payload), payload.get("text") or ""]:
            text = text.replace(PERIOD, "")
            assert half_width_next_to_cjk(text) == [], text
            assert bad_emphasis(text) == [], text
            assert english_words(text) <= ALLOWED_ENGLISH, text


def test_views_keep_block_kit_limits():
    for payload in rendered_zh():
        if payload.get("type") == "modal":
            assert check_view(payload) == []
        else:
            assert check_blocks(payload["blocks"], 50) == []
