"""The slash commands SalesPulse offers, in the order /pulse help lists them. The manifest
test checks manifest.yml against this list, so a command is added in both places."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    help_key: str  # i18n key of the one-line description
    manifest_description: str  # English, as shown in Slack's command picker


COMMANDS: tuple[Command, ...] = (
    Command("/pulse", "help.pulse", "SalesPulse: help, who am I, language"),
    Command("/kudos", "help.kudos", "Praise colleagues in the recognition channel"),
    Command("/feedback", "help.feedback", "Give, ask for and see feedback"),
    Command("/kpi", "help.kpi", "Your KPI scorecard, a report's, or your team's ranking"),
)
