"""manifest.yml, parsed as Slack parses it: its structure is valid, it declares exactly the
commands (those of the feature registry, each handled by its own feature's listeners),
shortcuts and events the built app handles, and its bot scopes cover every Web API
method the code calls (and ask for nothing else)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml
from slack_bolt import App

from bot.features import FEATURES, commands
from handlers import LISTENERS
from handlers.app import build_app

ROOT = Path(__file__).parents[2]
MANIFEST = ROOT / "manifest.yml"
URL = "https://salespulse.example.com/slack/events"

# slack_sdk method -> the bot scopes it needs (api.slack.com/methods/<method>, "Required scopes").
METHOD_SCOPES: dict[str, set[str]] = {
    "auth_test": set(),
    "chat_postMessage": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "chat_update": {"chat:write"},
    "chat_delete": {"chat:write"},
    "chat_getPermalink": set(),
    "conversations_open": {"im:write"},  # DMs
    "files_upload_v2": {"files:write"},  # files.getUploadURLExternal + completeUploadExternal
    "users_info": {"users:read", "users:read.email"},  # the directory keeps profile.email
    "users_list": {"users:read"},  # the daily directory-sync
    "views_open": set(),
    "views_publish": set(),
}
EVENT_SCOPES: dict[str, set[str]] = {
    "app_home_opened": set(),
    "app_uninstalled": set(),  # stops all work for that workspace (handlers/installs.py)
    "tokens_revoked": set(),
    "reaction_added": {"reactions:read"},
    "reaction_removed": {"reactions:read"},
    "user_change": {"users:read"},
}
# Scopes no single method call shows, and why the bot asks for them.
OTHER_SCOPES = {
    "chat:write.public": "posts to the configured channels without being invited to each",
}
CALL = re.compile(r"\bclient\.([a-z]+_[A-Za-z0-9_]+)\(|\bapi_call\(\s*[\"']([a-z]+\.[A-Za-z]+)")


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def record_registrations(monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    """From now on, what is registered on any Bolt app, by kind (command, event, shortcut,
    ...), recorded from Bolt's own registration methods, so a listener added anywhere is seen."""
    seen: dict[str, set[str]] = defaultdict(set)
    kinds = ("command", "event", "shortcut", "action", "view", "options", "message")
    for kind in kinds:
        original = getattr(App, kind)

        def spy(self: App, constraints: Any, *args: Any, _k=kind, _o=original, **kw: Any) -> Any:
            if isinstance(constraints, dict):  # e.g. {"type": "message", "subtype": ...}
                constraints = constraints.get("type") or constraints.get("callback_id")
            seen[_k].add(constraints if isinstance(constraints, str) else repr(constraints))
            return _o(self, constraints, *args, **kw)

        monkeypatch.setattr(App, kind, spy)
    return seen


@pytest.fixture
def handled(deps: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    """What build_app registers."""
    seen = record_registrations(monkeypatch)
    build_app(deps)
    return seen


def methods_called() -> set[str]:
    """Every Web API method the product code calls (the demo and the fake Slack excluded)."""
    found: set[str] = set()
    product = [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("handlers").rglob("*.py")]
    for path in product:
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("demo/") or rel in ("demo/slack_emulator.py", "demo/slack_requests.py"):
            continue
        for sdk_name, api_name in CALL.findall(path.read_text(encoding="utf-8")):
            found.add(sdk_name or api_name.replace(".", "_", 1))
    return found


def test_every_slash_command_and_shortcut_has_the_fields_slack_requires(manifest):
    features = manifest["features"]
    for cmd in features["slash_commands"]:
        assert {"command", "description", "url", "should_escape"} <= cmd.keys(), cmd
        assert set(cmd) <= {"command", "description", "url", "should_escape", "usage_hint"}, cmd
        assert cmd["command"].startswith("/") and cmd["url"] == URL
        assert cmd["should_escape"] is True  # mentions arrive as <@U…>, not as display names
    for shortcut in features.get("shortcuts", []):
        assert set(shortcut) == {"name", "type", "callback_id", "description"}, shortcut
        assert shortcut["type"] in ("message", "global")


def test_commands_are_exactly_those_the_bot_handles(manifest, handled):
    declared = {c["command"]: c["description"] for c in manifest["features"]["slash_commands"]}
    assert set(declared) == handled["command"]
    assert declared == {c.name: c.manifest_description for c in commands()}
    hints = {c["command"]: c.get("usage_hint") for c in manifest["features"]["slash_commands"]}
    assert hints == {c.name: c.usage_hint for c in commands()}


def test_each_feature_s_listeners_handle_exactly_the_commands_it_declares(deps):
    for feature in FEATURES:
        app = App(signing_secret="unused", token_verification_enabled=False, client=deps.client)
        with pytest.MonkeyPatch.context() as monkeypatch:
            seen = record_registrations(monkeypatch)
            if feature.listeners:
                LISTENERS[feature.key].register(app, deps)
        assert seen["command"] == {c.name for c in feature.commands}, feature.key


def test_shortcuts_are_exactly_those_the_bot_handles(manifest, handled):
    declared = {s["callback_id"] for s in manifest["features"].get("shortcuts", [])}
    assert declared == handled["shortcut"]


def test_events_subscribed_are_the_events_handled(manifest, handled):
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == handled["event"]
    assert settings["event_subscriptions"]["request_url"] == URL
    assert "message" not in handled  # would need message.* events and history scopes
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    interactive = handled["shortcut"] | handled["action"] | handled["view"]
    assert settings["interactivity"] == {"is_enabled": bool(interactive), "request_url": URL}


def test_bot_scopes_cover_every_method_called_and_nothing_more(manifest, handled):
    called = methods_called()
    assert {"chat_postMessage", "users_info", "views_publish"} <= called  # the scan works
    assert called <= METHOD_SCOPES.keys(), "add the new method's scopes to METHOD_SCOPES"
    assert handled["event"] <= EVENT_SCOPES.keys(), "add the new event's scopes to EVENT_SCOPES"
    needed = set().union(*(METHOD_SCOPES[m] for m in called))
    needed |= set().union(*(EVENT_SCOPES[e] for e in handled["event"]))
    if handled["command"] or handled["shortcut"]:
        needed.add("commands")
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert needed <= scopes, f"missing: {needed - scopes}"
    assert scopes - needed <= OTHER_SCOPES.keys(), f"asked for but unused: {scopes - needed}"
