"""Helpers for the kudos / feedback end-to-end tests: config, modal payloads, and "everything
a person can see" (DMs, ephemerals, DM updates, their App Home) to assert privacy."""

from __future__ import annotations

import json
from typing import Any

from demo.slack_emulator import Call, FakeSlack
from demo.slack_requests import SlackRequests
from tests.conftest import TEST_CONFIG

CONFIG = {
    **TEST_CONFIG,
    "values": [
        {"key": "customer", "label_en": "Customer first", "label_zh": "客户第一"},
        {"key": "teamwork", "label_en": "Teamwork", "label_zh": "团队合作"},
    ],
}
PEOPLE = ("UHR", "UDIR", "UEMGR", "UWMGR", "UALICE", "UBOB", "UXW", "UCAROL")


def dump(payloads: list[Call] | list[dict]) -> str:
    return "\n".join(
        json.dumps(p.params if isinstance(p, Call) else p, ensure_ascii=False) for p in payloads
    )


def seen_by(fake: FakeSlack, user: str) -> str:
    """Every message and Home view the user got (JSON), to search for text."""
    calls = fake.dms_to(user) + fake.ephemerals(user)
    calls += [c for c in fake.calls_to("chat.update") if c.params.get("channel") == "D" + user]
    calls += [c for c in fake.views("publish") if c.params.get("user_id") == user]
    return dump(calls)


def channel_posts(fake: FakeSlack) -> str:
    """Everything posted or updated in channels (not DMs)."""
    calls = [
        c
        for c in fake.calls_to("chat.postMessage") + fake.calls_to("chat.update")
        if not str(c.params.get("channel", "")).startswith(("D", "U"))
    ]
    return dump(calls)


def reply_text(fake: FakeSlack, user: str, n: int = 1) -> str:
    assert fake.wait_for(lambda: len(fake.ephemerals(user)) >= n), fake.calls
    return dump(fake.ephemerals(user)[n - 1 : n])


def home_of(slack: SlackRequests, fake: FakeSlack, user: str) -> str:
    """Open the user's App Home and return the published view as JSON."""
    before = len([c for c in fake.views("publish") if c.params.get("user_id") == user])
    slack.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": "D" + user})
    assert fake.wait_for(
        lambda: len([c for c in fake.views("publish") if c.params.get("user_id") == user]) > before
    )
    mine = [c for c in fake.views("publish") if c.params.get("user_id") == user]
    return dump(mine[-1:])


def modal_values(
    *,
    recipients: list[str] | None = None,
    kind: str | None = "suggestion",
    visibility: str | None = "private",
    text: str = "",
    metric: str | None = None,
    share_name: bool | None = None,
) -> dict[str, Any]:
    """A modal's state.values as Slack sends them; `share_name` ticks (True) or leaves
    unticked (False) the answer form's "with my name" checkbox."""
    values: dict[str, Any] = {"fb_message": {"value": {"type": "plain_text_input", "value": text}}}
    if share_name is not None:
        chosen = [{"value": "share_name"}] if share_name else []
        values["fb_share_name"] = {"value": {"type": "checkboxes", "selected_options": chosen}}
    if recipients is not None:
        values["fb_recipients"] = {
            "value": {"type": "multi_users_select", "selected_users": recipients}
        }
    for block, chosen in (("fb_kind", kind), ("fb_visibility", visibility), ("fb_metric", metric)):
        if chosen is not None:
            values[block] = {
                "value": {"type": "static_select", "selected_option": {"value": chosen}}
            }
    return values


def opened_view(fake: FakeSlack, n: int = 1) -> dict[str, Any]:
    assert fake.wait_for(lambda: len(fake.views("open")) >= n), fake.calls
    return fake.views("open")[n - 1].params["view"]


def open_and_submit(
    slack: SlackRequests, fake: FakeSlack, user: str, **values: Any
) -> dict[str, Any] | None:
    """/feedback (modal) then submit it; returns the response_action JSON if any."""
    n = len(fake.views("open")) + 1
    slack.command(user, "/feedback", "")
    view = opened_view(fake, n)
    resp = slack.view_submission(user, view, modal_values(**values))
    assert resp.status_code == 200
    return resp.json() if resp.content else None


def button_value(call: Call, action_id: str) -> str:
    for block in call.params.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return element["value"]
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == action_id:
            return accessory["value"]
    raise AssertionError(f"no {action_id} button in {call.params}")
