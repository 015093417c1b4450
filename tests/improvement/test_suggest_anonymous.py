"""Who must NOT see an anonymous suggestion's author: HR's cards (DMs and HR's channel), the
reply modal, HR's Home, `/suggest list`, the export and the log records at INFO, during the
suggestion's whole life; while its author is told every change."""

from __future__ import annotations

import logging

import pytest
from click.testing import CliRunner

from handlers.cli import cli
from tests.awards.export_support import toml
from tests.conftest import TEST_CONFIG
from tests.improvement.suggest_support import (
    ACK,
    CHANNEL,
    NOW,
    PLAN,
    click,
    decide,
    submit_form,
    suggest_config,
    suggestions,
    wait_dm,
)
from tests.support.feedback import channel_posts, dump, home_of, reply_text, seen_by

SECRET = "Rotate the top accounts between reps every quarter"
AUTHOR = ("UALICE", "Alice Wong")


@pytest.fixture
def config():
    return suggest_config()


def export_text(db, tmp_path, monkeypatch, hr_channel: str | None = None) -> str:
    raw = {**TEST_CONFIG, "channels": {**TEST_CONFIG["channels"], "suggestions": CHANNEL}}
    (tmp_path / "salespulse.toml").write_text(toml(raw), encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("SALESPULSE_CONFIG", str(tmp_path / "salespulse.toml"))
    monkeypatch.setenv("SALESPULSE_TEAM_ID", "T0001")
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    out = tmp_path / "suggestions.csv"
    result = CliRunner().invoke(
        cli, ["export", "suggestions", "--format", "csv", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8-sig")


def assert_nowhere(text: str) -> None:
    for needle in AUTHOR:
        assert needle not in text, needle


def test_an_anonymous_authors_name_appears_nowhere_hr_looks(
    slack, fake, db, org, deps, inflight, caplog, tmp_path, monkeypatch
):
    caplog.set_level(logging.INFO)
    deps.clock = lambda: NOW
    org.standard()
    org.person("UADMIN", "Ada Admin", team=None, role="admin", locale="zh-CN", handle="ada")
    opened = len(fake.views("open"))
    assert submit_form(slack, fake, "UALICE", text=SECRET, topic="kpi", anonymous=True) is None
    assert "without your name" in dump([wait_dm(fake, "UALICE")])
    card, card_zh = wait_dm(fake, "UHR"), wait_dm(fake, "UADMIN")
    assert SECRET in dump([card]) and "anonymous" in dump([card]) and "匿名" in dump([card_zh])
    [s] = suggestions(db)
    assert s.anonymous and not s.public and s.author_id is not None  # kept, to tell her

    click(slack, "UHR", ACK, card)
    assert "acknowledged your suggestion" in dump([wait_dm(fake, "UALICE", 2)])
    slack.command("UHR", "/suggest", "list")  # open (acknowledged): on HR's list and Home
    assert SECRET in reply_text(fake, "UHR")
    assert SECRET in home_of(slack, fake, "UHR")
    decide(slack, fake, "UADMIN", PLAN, card_zh, "Pilot in Q1")
    told = dump([wait_dm(fake, "UALICE", 3)])
    assert "planned your suggestion" in told and "Pilot in Q1" in told
    assert "HR doesn't know it is yours" in told
    slack.command("UALICE", "/suggest", "list")  # she sees her own, with the reply
    assert "Pilot in Q1" in reply_text(fake, "UALICE")
    exported = export_text(db, tmp_path, monkeypatch)
    assert SECRET in exported
    assert inflight.wait_idle()

    hr_sees = "\n".join(
        [
            seen_by(fake, "UHR"),
            seen_by(fake, "UADMIN"),
            channel_posts(fake),
            dump(fake.views("open")[opened + 1 :]),  # the reply modal HR opened
            exported,
        ]
    )
    assert SECRET in hr_sees
    assert_nowhere(hr_sees)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "suggestion 1 recorded" in logged  # the records were captured
    assert_nowhere(logged)


def test_hr_channel_card_hides_the_anonymous_author_and_shows_a_named_one(
    slack, fake, db, org, deps, inflight, caplog
):
    caplog.set_level(logging.INFO)
    deps.config = suggest_config(hr="CHR")
    deps.clock = lambda: NOW
    org.standard()
    submit_form(slack, fake, "UALICE", text=SECRET, anonymous=True)
    slack.command("UBOB", "/suggest", "Named idea")
    assert fake.wait_for(lambda: len(fake.messages("CHR")) == 2)
    anon, named = fake.messages("CHR")
    assert SECRET in dump([anon]) and "anonymous" in dump([anon])
    assert "<@UBOB>" in dump([named])
    click(slack, "UHR", ACK, anon)
    wait_dm(fake, "UALICE", 2)
    assert inflight.wait_idle()
    assert fake.dms_to("UHR") == []  # the channel, not DMs
    assert_nowhere(channel_posts(fake) + seen_by(fake, "UHR"))
    assert_nowhere("\n".join(r.getMessage() for r in caplog.records))
