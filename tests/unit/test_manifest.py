"""manifest.yml offers exactly the commands the bot handles, with escaping on."""

from __future__ import annotations

import re
from pathlib import Path

from bot.commands import COMMANDS

MANIFEST = Path(__file__).parents[2] / "manifest.yml"


def test_manifest_commands_match_the_bot():
    text = MANIFEST.read_text(encoding="utf-8")
    in_manifest = re.findall(r"^\s+- command: (/\S+)", text, flags=re.M)
    assert sorted(in_manifest) == sorted(c.name for c in COMMANDS)
    assert text.count("should_escape: true") == len(COMMANDS)


def test_manifest_routes_everything_to_slack_events():
    text = MANIFEST.read_text(encoding="utf-8")
    urls = set(re.findall(r"(?:url|request_url): (\S+)", text))
    assert urls == {"https://salespulse.example.com/slack/events"}
    assert "app_home_opened" in text
