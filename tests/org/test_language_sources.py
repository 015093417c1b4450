"""Everyone gets their own language and time zone, through the real endpoint: the org import's
values when it has them, else Slack's (users.info with include_locale, once, on first
contact), else the workspace default; `/pulse lang` beats them all and `auto` goes back.
`/pulse whoami` says where each value comes from, and `user_change` keeps Slack's fresh."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.core.config import AppConfig
from storage.models.core import User
from tests.support.slack import all_text, reply_to

# The workspace speaks Chinese on Shanghai time; the east team is 华东 / East.
CONFIG = {
    "workspace": {"timezone": "Asia/Shanghai", "default_locale": "zh-CN"},
    "channels": {"recognition": "CRECOG", "announcements": "CANNOUNCE"},
    "teams": {"east": {"channel": "CEAST", "name_en": "East", "name_zh": "华东"}},
}
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, 18:00 the day before in LA


@pytest.fixture
def config() -> AppConfig:
    return AppConfig.model_validate(CONFIG)


@pytest.fixture(autouse=True)
def _clock(deps) -> None:
    deps.clock = lambda: NOW


def imported(db, fake, slack_id, name, *, locale=None, timezone=None, slack=None) -> None:
    """Someone in the org import (with or without its locale/timezone columns) and, when
    `slack` = (locale, tz) is given, in Slack with that profile."""
    if slack is not None:
        fake.add_user(slack_id, name=name.lower(), real_name=name, locale=slack[0], tz=slack[1])
    with db.session() as session:
        session.add(
            User(
                team_id="T0001",
                slack_id=slack_id,
                name=name,
                handle=name.lower(),
                team="east",
                role="rep",
                locale=locale,
                timezone=timezone,
                source="org",
            )
        )


def row(db, slack_id: str) -> User:
    with db.session() as session:
        user = session.exec(select(User).where(User.slack_id == slack_id)).one()
        session.expunge(user)
        return user


def said(slack, fake, user: str, text: str) -> str:
    """Everything `user` reads in the reply to `/pulse text` (their replies so far + 1)."""
    n = len(fake.ephemerals(user)) + 1
    slack.command(user, "/pulse", text)
    return all_text(reply_to(fake, user, n)[-1])


LA = ("en-US", "America/Los_Angeles")


def test_an_imported_rep_without_locale_columns_gets_slacks_language_and_time_zone(slack, fake, db):
    imported(db, fake, "ULA", "Lena", slack=LA)
    text = said(slack, fake, "ULA", "whoami")
    assert "What SalesPulse knows about you" in text
    assert "*Language*\nEnglish, from your Slack profile" in text
    assert "*Time zone*\nAmerica/Los_Angeles, from your Slack profile" in text
    assert "*Local time*\n2026-11-26 18:00" in text  # not Shanghai's 2026-11-27 10:00
    assert "*Team*\nEast" in text
    assert "语言" not in text and "Asia/Shanghai" not in text
    [info] = fake.calls_to("users.info")
    assert info.params["user"] == "ULA" and info.params["include_locale"] in ("1", "true", "True")
    lena = row(db, "ULA")
    assert (lena.slack_locale, lena.slack_timezone, lena.locale, lena.timezone) == (
        "en-US",
        "America/Los_Angeles",
        None,
        None,
    )
    assert lena.slack_synced_at is not None
    # once: the next requests are answered from the directory, in the ack itself
    again = said(slack, fake, "ULA", "whoami")
    assert "English, from your Slack profile" in again
    slack.command("ULA", "/kpi", "")
    assert fake.wait_for(lambda: len(fake.ephemerals("ULA")) == 3)
    assert "KPI" in all_text(fake.ephemerals("ULA")[-1].params)
    assert len(fake.calls_to("users.info")) == 1


def test_the_org_imports_values_beat_slacks(slack, fake, db):
    imported(db, fake, "UZH", "Zhou", locale="zh-CN", timezone="Asia/Shanghai", slack=LA)
    text = said(slack, fake, "UZH", "whoami")
    assert "*语言*\n简体中文，来自组织架构导入" in text
    assert "*时区*\nAsia/Shanghai，来自组织架构导入" in text
    assert "*当地时间*\n2026-11-27 10:00" in text
    assert "\n时区：Asia/Shanghai，来自组织架构导入\n" in text  # the notification text
    assert "*团队*\n华东" in text
    assert "English" not in text and "Los_Angeles" not in text
    assert fake.calls_to("users.info") == []  # the import says both: Slack is not asked


def test_each_value_comes_from_the_strongest_source_that_has_it(slack, fake, db):
    # the import gives only a time zone: the language is Slack's, the time zone the import's
    imported(db, fake, "UMIX", "Max", timezone="Europe/Berlin", slack=LA)
    text = said(slack, fake, "UMIX", "whoami")
    assert "*Language*\nEnglish, from your Slack profile" in text
    assert "*Time zone*\nEurope/Berlin, from the org import" in text
    assert "*Local time*\n2026-11-27 03:00" in text


def test_without_import_or_slack_values_the_workspace_default_applies_and_slack_is_asked_once(
    slack, fake, db
):
    imported(db, fake, "UNOSLACK", "Nobody")  # Slack doesn't know them (user_not_found)
    text = said(slack, fake, "UNOSLACK", "whoami")
    assert "*语言*\n简体中文，工作区默认设置" in text
    assert "*时区*\nAsia/Shanghai，工作区默认设置" in text
    said(slack, fake, "UNOSLACK", "whoami")
    assert len(fake.calls_to("users.info")) == 1  # not on every request
    assert row(db, "UNOSLACK").slack_synced_at is not None


def test_pulse_lang_beats_import_and_slack_and_auto_goes_back(slack, fake, db):
    imported(db, fake, "ULA", "Lena", slack=LA)
    assert "好的：以后我会用中文和你交流。" in said(slack, fake, "ULA", "lang zh")
    text = said(slack, fake, "ULA", "whoami")
    assert "*语言*\n简体中文，由你通过 `/pulse lang` 设置" in text
    assert "*时区*\nAmerica/Los_Angeles，来自你的 Slack 个人资料" in text  # the language only
    shown = said(slack, fake, "ULA", "lang")
    assert "你的语言：简体中文，由你通过 `/pulse lang` 设置。" in shown
    assert "`/pulse lang auto`（恢复为" in shown and "来自你的 Slack 个人资料）" in shown
    assert said(slack, fake, "ULA", "lang auto") == (
        "Done: back to English, from your Slack profile."
    )
    assert "*Language*\nEnglish, from your Slack profile" in said(slack, fake, "ULA", "whoami")
    # over an import value too: the import's zh-CN is overridden, then inherited again
    imported(db, fake, "UZH", "Zhou", locale="zh-CN", timezone="Asia/Shanghai", slack=LA)
    assert said(slack, fake, "UZH", "lang en") == "Done: I'll talk to you in English from now on."
    assert "*Language*\nEnglish, set by you with `/pulse lang`" in said(
        slack, fake, "UZH", "whoami"
    )
    assert (
        said(slack, fake, "UZH", "lang auto")
        == "好的：你的语言已恢复为简体中文，来自组织架构导入。"
    )
    assert row(db, "UZH").locale_override is None


def test_lang_alone_shows_the_language_where_it_comes_from_and_the_choices(slack, fake, db):
    imported(db, fake, "UEN", "Ella", locale="en-US", timezone="Asia/Shanghai", slack=LA)
    assert said(slack, fake, "UEN", "lang") == (
        "Your language: English, from the org import.\n"
        "Change it with `/pulse lang zh` (中文), `/pulse lang en` (English) or "
        "`/pulse lang auto` (back to English, from the org import)."
    )
    assert row(db, "UEN").locale_override is None  # showing changes nothing
    imported(db, fake, "UDEF", "Dan", timezone="Asia/Shanghai")  # no language anywhere
    text = said(slack, fake, "UDEF", "lang")
    assert text.startswith("你的语言：简体中文，工作区默认设置。\n可以用 `/pulse lang zh`（中文）")
    assert "`/pulse lang auto`（恢复为简体中文，工作区默认设置）更改。" in text


def user_change(slack, fake, db, user: dict, until) -> None:
    slack.event({"type": "user_change", "user": user})
    assert fake.wait_for(lambda: until(row(db, user["id"])))


def test_user_change_updates_slacks_language_and_time_zone(slack, fake, db):
    imported(db, fake, "ULA", "Lena", slack=LA)
    said(slack, fake, "ULA", "whoami")
    before = row(db, "ULA")
    moved = {"id": "ULA", "deleted": False, "tz": "America/New_York", "locale": "zh-CN"}
    user_change(slack, fake, db, moved, lambda u: u.slack_timezone == "America/New_York")
    after = row(db, "ULA")
    assert (after.slack_locale, after.deactivated) == ("zh-CN", False)
    assert after.updated_at == before.updated_at  # stored rankings don't depend on these
    text = said(slack, fake, "ULA", "whoami")
    assert "*语言*\n简体中文，来自你的 Slack 个人资料" in text
    assert "*时区*\nAmerica/New_York，来自你的 Slack 个人资料" in text
    assert "*当地时间*\n2026-11-26 21:00" in text
    # an event without a locale (Slack sends what it has) keeps the one we know
    user_change(
        slack,
        fake,
        db,
        {"id": "ULA", "tz": "Europe/London"},
        lambda u: u.slack_timezone == "Europe/London",
    )
    assert row(db, "ULA").slack_locale == "zh-CN"
    assert len(fake.calls_to("users.info")) == 1


def test_user_change_for_a_stranger_imports_nobody(slack, fake, db, inflight):
    slack.event({"type": "user_change", "user": {"id": "USTRANGER", "tz": "Asia/Tokyo"}})
    assert inflight.wait_idle()
    with db.session() as session:
        assert session.exec(select(User)).all() == []
    assert fake.calls_to("users.info") == []


def test_a_mentioned_imported_rep_is_read_from_slack_before_the_dm_they_get(slack, fake, db):
    imported(db, fake, "UZH", "Zhou", locale="zh-CN", timezone="Asia/Shanghai", slack=LA)
    imported(db, fake, "ULA", "Lena", slack=LA)  # never talked to the bot
    slack.command("UZH", "/kudos", "<@ULA> 谢谢你帮我准备演示")
    assert fake.wait_for(lambda: fake.dms_to("ULA"))
    [dm] = fake.dms_to("ULA")
    assert "gave you kudos!" in dm.params["text"]  # Lena's language, not the workspace's
    assert [c.params["user"] for c in fake.calls_to("users.info")] == ["ULA"]
