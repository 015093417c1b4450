"""The foundation through the real endpoint: signing, /pulse, App Home, errors, retries."""

from __future__ import annotations

import time

import pytest
from sqlmodel import select

from bot import features
from storage.models.core import User
from tests.support.slack import all_text, reply_to


def test_whoami_shows_team_manager_role_timezone_language(slack, fake, org):
    people = org.standard()
    resp = slack.command("UALICE", "/pulse", "whoami")
    assert resp.status_code == 200
    text = all_text(reply_to(fake, "UALICE")[0])
    assert "Alice Wong" in text
    assert "east" in text
    assert f"<@{people['east_mgr'].slack_id}>" in text
    assert "Sales rep" in text
    assert "Asia/Shanghai" in text
    assert "English, from the org import" in text
    assert reply_to(fake, "UALICE")[0]["response_type"] == "ephemeral"
    # a known user is answered in the ack itself: one round trip, no response_url post
    assert resp.json()["text"].startswith("What SalesPulse knows about you")
    assert fake.calls_to("response_url") == []


def test_whoami_in_chinese_for_zh_cn_user(slack, fake, org):
    org.standard()
    slack.command("UXW", "/pulse", "whoami")
    text = all_text(reply_to(fake, "UXW")[0])
    assert "SlackPulse" not in text
    assert "销售代表" in text and "团队" in text and "简体中文，来自组织架构导入" in text


def test_help_lists_every_command_in_users_language(slack, fake, org):
    org.standard()
    slack.command("UXW", "/pulse", "help")
    slack.command("UALICE", "/pulse", "")
    zh = all_text(reply_to(fake, "UXW")[0])
    en = all_text(reply_to(fake, "UALICE")[0])
    assert "SalesPulse 命令" in zh and "SalesPulse commands" in en
    for command in features.commands():
        assert command.name in zh and command.name in en


def test_lang_override_switches_language_and_auto_reverts(slack, fake, org, db):
    org.standard()
    slack.command("UALICE", "/pulse", "lang zh")
    assert "以后我会用中文" in all_text(reply_to(fake, "UALICE", 1)[0])
    slack.command("UALICE", "/pulse", "whoami")
    assert "简体中文，由你通过 `/pulse lang` 设置" in all_text(reply_to(fake, "UALICE", 2)[1])
    slack.command("UALICE", "/pulse", "lang auto")
    assert "Done: back to English, from the org import." in all_text(reply_to(fake, "UALICE", 3)[2])
    with db.session() as s:
        assert s.exec(select(User).where(User.slack_id == "UALICE")).one().locale_override is None


@pytest.mark.parametrize("args", ["lang fr", "lang zh en"])
def test_bad_lang_gets_usage_and_changes_nothing(slack, fake, org, db, args):
    org.standard()
    resp = slack.command("UALICE", "/pulse", args)
    assert resp.headers["content-type"].startswith("application/json")  # else Slack shows raw JSON
    text = all_text(reply_to(fake, "UALICE")[0])
    assert "Usage: `/pulse lang` shows your language; `/pulse lang zh`" in text
    with db.session() as s:
        assert s.exec(select(User).where(User.slack_id == "UALICE")).one().locale_override is None


def test_unknown_subcommand_explains_and_shows_usage(slack, fake, org):
    org.standard()
    slack.command("UBOB", "/pulse", "frobnicate")
    text = all_text(reply_to(fake, "UBOB")[0])
    assert "`/pulse frobnicate` is not something I know" in text
    assert "/pulse whoami" in text


def test_user_not_in_org_is_looked_up_once_and_cached(slack, fake, db):
    fake.add_user("UNEW", name="newbie", real_name="New Person", locale="zh-CN", tz="Europe/Berlin")
    resp = slack.command("UNEW", "/pulse", "whoami")
    assert resp.content == b""  # unknown user: ack at once, look up in Slack, then respond
    text = all_text(reply_to(fake, "UNEW")[0])
    assert "销售代表" in text and "Europe/Berlin" in text and "还不在组织架构中" in text
    assert [c.method for c in fake.ephemerals("UNEW")] == ["response_url"]
    slack.command("UNEW", "/pulse", "whoami")
    reply_to(fake, "UNEW", 2)
    assert len(fake.calls_to("users.info")) == 1
    assert fake.calls_to("users.info")[0].params["include_locale"] in (True, "true", "1", "True")
    with db.session() as s:
        user = s.exec(select(User).where(User.slack_id == "UNEW")).one()
        assert (user.source, user.role, user.manager_id, user.slack_locale) == (
            "slack",
            "rep",
            None,
            "zh-CN",
        )


def test_forged_signature_is_401_and_changes_nothing(slack, fake, db):
    fake.add_user("UNEW", name="newbie", real_name="New Person")
    body = "command=%2Fpulse&text=lang+zh&user_id=UNEW&team_id=T0001"
    headers = slack.signed_headers(body)
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    resp = slack.http.post(slack.events_url, content=body, headers=headers)
    assert resp.status_code == 401
    assert fake.calls == []
    with db.session() as s:
        assert s.exec(select(User)).all() == []


def test_stale_timestamp_is_401(slack, fake, inflight):
    fake.add_user("UNEW", name="newbie", real_name="New Person")
    resp = slack.command("UNEW", "/pulse", "whoami", timestamp=int(time.time()) - 301)
    assert resp.status_code == 401
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert fake.calls == []


def test_app_home_greets_in_users_language_with_team_manager_and_help(slack, fake, org):
    org.standard()
    slack.event({"type": "app_home_opened", "user": "UXW", "tab": "home", "channel": "DUXW"})
    assert fake.wait_for(lambda: fake.views("views.publish"))
    call = fake.views("views.publish")[0]
    assert call.params["user_id"] == "UXW"
    text = all_text(call.params["view"])
    assert "王小明，你好" in text and "<@UEMGR>" in text and "/pulse" in text
    assert len(call.params["view"]["blocks"]) <= 100


def test_event_retries_are_handled_once(slack, fake, org, inflight):
    org.standard()
    event = {"type": "app_home_opened", "user": "UALICE", "tab": "home", "channel": "DUALICE"}
    for retry in (None, 1, 2):
        assert slack.event(event, event_id="EvSAME1", retry_num=retry).status_code == 200
    assert fake.wait_for(lambda: fake.views("views.publish"))
    assert inflight.wait_idle()  # every listener has finished: nothing more comes
    assert len(fake.views("views.publish")) == 1


def test_unexpected_error_apologises_with_id_and_logs_traceback(slack, fake, org, caplog):
    org.standard()
    fake.fail_next("users.info", status=500, times=10)  # UNKNOWN isn't cached: lookup fails
    slack.command("UNKNOWN", "/pulse", "whoami")
    text = all_text(reply_to(fake, "UNKNOWN")[0])
    assert "something went wrong on our side. Error id: `" in text
    error_id = text.split("Error id: `")[1].split("`")[0]
    assert fake.wait_for(lambda: any(error_id in r.getMessage() for r in caplog.records))
    record = next(r for r in caplog.records if error_id in r.getMessage())
    assert record.levelname == "ERROR" and record.exc_info is not None


def test_healthz_reports_database(server):
    import httpx

    resp = httpx.get(f"{server}/healthz")
    assert resp.status_code == 200
    assert resp.json()["database"] == "ok" and resp.json()["schema_current"] is True


def test_ack_is_fast_even_when_slack_is_slow(slack, fake, org):
    """The HTTP answer (Slack's 3 s ack) doesn't wait for the Web API work after it."""
    org.standard()
    fake.fail_next("response_url", status=429, retry_after=2)
    started = time.monotonic()
    assert slack.command("UALICE", "/pulse", "whoami").status_code == 200
    assert time.monotonic() - started < 1.0


def test_bots_cannot_be_resolved_as_people(deps, fake):
    from bot.core.errors import UserFacingError
    from bot.core.mentions import Mention
    from bot.org import directory

    fake.add_user("UBOTX", name="otherbot", real_name="Other Bot", is_bot=True)
    directory.learn(deps.sender, deps.db, "T0001", ["UBOTX"])
    with deps.db.session() as s, pytest.raises(UserFacingError) as err:
        directory.resolve(s, "T0001", Mention("UBOTX"))
    assert err.value.key == "error.is_bot"


def test_handles_resolve_from_directory(deps, org):
    from bot.core.errors import UserFacingError
    from bot.core.mentions import Handle
    from bot.org import directory

    org.standard()
    with deps.db.session() as s:
        assert directory.resolve(s, "T0001", Handle("小王")).slack_id == "UXW"
        assert directory.resolve(s, "T0001", Handle("ALICE")).slack_id == "UALICE"
        with pytest.raises(UserFacingError) as err:
            directory.resolve(s, "T0001", Handle("nobody"))
    assert err.value.params == {"who": "@nobody"}
