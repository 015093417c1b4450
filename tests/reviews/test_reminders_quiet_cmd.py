"""/pulse quiet through the real endpoint: show, set, off, auto, bad input; whoami shows it;
and the setting holds back a review reminder."""

from __future__ import annotations

from sqlmodel import select

from storage.models.core import User
from tests.support.slack import all_text, reply_to


def quiet_of(db, slack_id: str) -> str | None:
    with db.session() as s:
        return s.exec(select(User.quiet_hours).where(User.slack_id == slack_id)).one()


def test_pulse_quiet_shows_sets_and_resets(slack, fake, org, db):
    org.standard()
    slack.command("UALICE", "/pulse", "quiet")
    shown = all_text(reply_to(fake, "UALICE")[-1])
    assert shown.startswith(
        "Your quiet hours: 20:00–08:00, the workspace default. Scheduled messages"
    )
    assert "(Asia/Shanghai)" in shown
    slack.command("UALICE", "/pulse", "quiet 21:00-07:30")
    assert all_text(reply_to(fake, "UALICE")[-1]) == (
        "Done: scheduled messages won't reach you between 21:00 and 07:30 (Asia/Shanghai)."
    )
    assert quiet_of(db, "UALICE") == "21:00-07:30"
    slack.command("UALICE", "/pulse", "whoami")
    assert "Quiet hours: 21:00–07:30, set by you with `/pulse quiet`" in all_text(
        reply_to(fake, "UALICE")[-1]
    )
    slack.command("UALICE", "/pulse", "quiet off")
    assert quiet_of(db, "UALICE") == "off"
    assert all_text(reply_to(fake, "UALICE")[-1]).startswith("Done: no quiet hours for you")
    slack.command("UALICE", "/pulse", "quiet auto")
    assert quiet_of(db, "UALICE") is None
    assert quiet_of(db, "UBOB") is None  # nobody else changed


def test_pulse_quiet_bad_input_gets_usage_and_changes_nothing(slack, fake, org, db):
    org.standard()
    slack.command("UXW", "/pulse", "quiet 25:00-99")
    text = all_text(reply_to(fake, "UXW")[-1])
    assert text.startswith("用法：`/pulse quiet` 查看你的免打扰时段")
    assert quiet_of(db, "UXW") is None
    slack.command("UXW", "/pulse", "quiet 22:00-07:00")
    assert all_text(reply_to(fake, "UXW")[-1]) == (
        "好的：22:00 到 07:00（Asia/Shanghai）之间不会给你发送定时消息。"
    )
    slack.command("UXW", "/pulse", "quiet")
    assert all_text(reply_to(fake, "UXW")[-1]).startswith(
        "你的免打扰时段：22:00–07:00，由你通过 `/pulse quiet` 设置。"
    )
