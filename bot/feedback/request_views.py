"""Block Kit for what a feedback request's people are told afterwards: the answerer when the
manager shares their answer (with or without their name), the requester when asks expire
unanswered. Pure functions of plain values."""

from __future__ import annotations

from typing import Any

from bot.core.blocks import section
from bot.core.mentions import people_list
from bot.feedback.views import kind_label, topic_line
from bot.i18n import t


def shared_notice(
    locale: str, *, requester: str, subject: str, kind: str, named: bool
) -> dict[str, Any]:
    """To the answerer: the manager passed their answer on to the rep (no feedback text)."""
    text = t(
        f"feedback.shared_notice_{'named' if named else 'anonymous'}",
        locale,
        requester=f"<@{requester}>",
        subject=f"<@{subject}>",
        kind=kind_label(kind, locale),
    )
    return {"text": text, "blocks": [section(text)]}


def request_expired(
    locale: str, *, requester: str, subject: str, peers: list[str], topic: str | None
) -> dict[str, Any]:
    """To the requester: the request expired and these people did not answer."""
    if subject == requester:
        text = t("feedback.request_expired", locale, peers=people_list(peers))
    else:
        text = t(
            "feedback.request_expired_for",
            locale,
            peers=people_list(peers),
            subject=f"<@{subject}>",
        )
    if topic:
        text += "\n" + topic_line(topic, locale)
    return {"text": text, "blocks": [section(text)]}
