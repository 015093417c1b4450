"""The fake Slack server, exercised through a real slack_sdk WebClient over HTTP."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from demo.slack_emulator import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        server.add_user(
            "U1", name="alice", real_name="Alice Liu", email="Alice@Example.com", locale="zh-CN"
        )
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(base_url=fake.url, token="xoxb-test")


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(text: str = "Go", action_id: str = "go") -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id}


def post_json(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    req = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


# -- messages -------------------------------------------------------------------------------


def test_post_message_is_recorded_with_decoded_blocks(fake: FakeSlack, client: WebClient) -> None:
    first = client.chat_postMessage(channel="C1", text="hi", blocks=[section("*hi*")])
    second = client.chat_postMessage(channel="C2", text="again")

    assert first["ok"] and first["channel"] == "C1"
    assert first["message"]["blocks"] == [section("*hi*")]
    assert first["ts"] == "1700000000.000100"
    assert float(second["ts"]) > float(first["ts"])
    [call] = fake.messages("C1")
    assert call.params["text"] == "hi"
    assert call.params["blocks"] == [section("*hi*")]  # decoded from the form's JSON string
    assert call.headers["Authorization"] == "Bearer xoxb-test"
    assert [c.method for c in fake.calls] == ["chat.postMessage", "chat.postMessage"]
    assert len(fake.messages()) == 2


def test_post_message_needs_text_or_blocks(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as err, pytest.warns(UserWarning, match="`text`"):
        client.chat_postMessage(channel="C1")
    assert err.value.response["error"] == "no_text"


def test_dm_via_conversations_open_or_user_id(fake: FakeSlack, client: WebClient) -> None:
    channel = client.conversations_open(users="U1")["channel"]["id"]
    assert channel == "DU1"
    client.chat_postMessage(channel=channel, text="private")
    assert client.chat_postMessage(channel="U1", text="direct")["channel"] == "DU1"
    client.chat_postMessage(channel="C1", text="public")

    assert [c.params["text"] for c in fake.dms_to("U1")] == ["private", "direct"]
    assert fake.dms_to("U2") == []


def test_ephemeral_update_delete_permalink(fake: FakeSlack, client: WebClient) -> None:
    eph = client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    assert eph["message_ts"]
    ts = client.chat_postMessage(channel="C1", text="v1")["ts"]
    assert client.chat_update(channel="C1", ts=ts, text="v2")["ts"] == ts
    assert client.chat_delete(channel="C1", ts=ts)["ok"]
    link = client.chat_getPermalink(channel="C1", message_ts="1700000000.000100")["permalink"]
    assert link == "https://fake.slack.com/archives/C1/p1700000000000100"
    assert client.reactions_add(channel="C1", timestamp=ts, name="tada")["ok"]

    assert [c.params["text"] for c in fake.ephemerals("U1")] == ["only you"]
    assert fake.ephemerals("U9") == []
    assert fake.calls_to("chat.update")[0].params["text"] == "v2"


def test_auth_team_and_unknown_method(fake: FakeSlack, client: WebClient) -> None:
    auth = client.auth_test()
    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == ("T0001", "UBOT", "BBOT")
    assert client.team_info()["team"]["id"] == "T0001"
    assert client.conversations_info(channel="C1")["channel"]["id"] == "C1"
    with pytest.raises(SlackApiError) as err:
        client.api_call("nope.nothing")
    assert err.value.response["error"] == "unknown_method"
    assert fake.calls[-1].method == "nope.nothing"


def test_bot_token_is_checked_when_configured() -> None:
    with FakeSlack(bot_token="xoxb-right") as fake:
        assert WebClient(base_url=fake.url, token="xoxb-right").auth_test()["ok"]
        with pytest.raises(SlackApiError) as err:
            WebClient(base_url=fake.url, token="xoxb-wrong").auth_test()
        assert err.value.response["error"] == "invalid_auth"


def test_get_with_query_string(fake: FakeSlack) -> None:
    with urllib.request.urlopen(f"{fake.url}users.info?user=U1", timeout=5) as resp:
        assert json.loads(resp.read())["user"]["name"] == "alice"


# -- users ----------------------------------------------------------------------------------


def test_users_info_with_and_without_locale(client: WebClient) -> None:
    user = client.users_info(user="U1", include_locale=True)["user"]
    assert user["locale"] == "zh-CN"
    assert (user["tz"], user["tz_offset"]) == ("Asia/Shanghai", 8 * 3600)
    assert user["profile"] == {
        "email": "Alice@Example.com",
        "real_name": "Alice Liu",
        "display_name": "alice",
    }
    assert (user["is_bot"], user["deleted"]) == (False, False)
    assert "locale" not in client.users_info(user="U1")["user"]

    with pytest.raises(SlackApiError) as err:
        client.users_info(user="U404")
    assert err.value.response["error"] == "user_not_found"


def test_users_list_paginates(fake: FakeSlack, client: WebClient) -> None:
    for i in range(5):
        fake.add_user(f"U10{i}", name=f"user{i}")

    # Iterating a SlackResponse follows next_cursor (and reuses the response object).
    pages = [[m["id"] for m in page["members"]] for page in client.users_list(limit=3)]

    assert [len(p) for p in pages] == [3, 3, 1]
    assert [u for page in pages for u in page] == [
        "UBOT",
        "U1",
        "U100",
        "U101",
        "U102",
        "U103",
        "U104",
    ]
    assert [c.params.get("cursor") for c in fake.calls_to("users.list")] == [None, "3", "6"]
    assert len(client.users_list()["members"]) == 7


def test_users_lookup_by_email(client: WebClient) -> None:
    assert client.users_lookupByEmail(email="alice@example.com")["user"]["id"] == "U1"
    with pytest.raises(SlackApiError) as err:
        client.users_lookupByEmail(email="nobody@example.com")
    assert err.value.response["error"] == "users_not_found"


# -- injected failures ----------------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", retry_after=7)

    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="hi")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "7"
    assert err.value.response["error"] == "ratelimited"
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]  # only the next one failed
    assert len(fake.calls_to("chat.postMessage")) == 2


def test_rate_limit_retry_handler_succeeds(fake: FakeSlack) -> None:
    retrying = WebClient(
        base_url=fake.url,
        token="xoxb-test",
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    fake.fail_next("chat.postMessage", retry_after=0)

    assert retrying.chat_postMessage(channel="C1", text="hi")["ok"]
    assert len(fake.messages("C1")) == 2


def test_fail_next_times_and_server_error(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("users.info", status=500, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as err:
            client.users_info(user="U1")
        assert err.value.response.status_code == 500
    assert client.users_info(user="U1")["ok"]


def test_fail_next_with_slack_error(client: WebClient, fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=200, error="channel_not_found")
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="hi")
    assert err.value.response["error"] == "channel_not_found"


# -- Block Kit limits -----------------------------------------------------------------------

LIMIT_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "51 blocks": ({"blocks": [section("x")] * 51}, "51 blocks (max 50)"),
    "section text": ({"blocks": [section("x" * 3001)]}, "section text is 3001 chars"),
    "11 fields": (
        {"blocks": [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}]},
        "11 fields (max 10)",
    ),
    "long field": (
        {"blocks": [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}]},
        "fields[0] text is 2001 chars",
    ),
    "header": (
        {"blocks": [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]},
        "header text is 151 chars",
    ),
    "button text": (
        {"blocks": [{"type": "actions", "elements": [button("b" * 76)]}]},
        "button text is 76 chars",
    ),
    "action_id": (
        {"blocks": [{**section("x"), "accessory": button(action_id="a" * 256)}]},
        "accessory.action_id is 256 chars",
    ),
    "block_id": ({"blocks": [{**section("x"), "block_id": "b" * 256}]}, "block_id is 256 chars"),
}


@pytest.mark.parametrize("case", LIMIT_CASES)
def test_block_limit_violations(fake: FakeSlack, client: WebClient, case: str) -> None:
    payload, expected = LIMIT_CASES[case]
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="t", **payload)
    assert err.value.response["error"] == "invalid_blocks"
    assert len(fake.violations) == 1
    assert fake.violations[0].startswith("chat.postMessage: ")
    assert expected in fake.violations[0]


def test_message_text_limit(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="x" * 40001)
    assert err.value.response["error"] == "msg_too_long"
    assert "text is 40001 chars (max 40000)" in fake.violations[0]


def test_limits_are_inclusive(fake: FakeSlack, client: WebClient) -> None:
    blocks = [section("x" * 3000)] * 49 + [{"type": "actions", "elements": [button("b" * 75)]}]
    assert client.chat_postMessage(channel="C1", text="x" * 40000, blocks=blocks)["ok"]
    assert fake.violations == []


def test_block_limits_apply_to_ephemeral_and_update(fake: FakeSlack, client: WebClient) -> None:
    too_many = [section("x")] * 51
    with pytest.raises(SlackApiError):
        client.chat_postEphemeral(channel="C1", user="U1", text="t", blocks=too_many)
    with pytest.raises(SlackApiError):
        client.chat_update(channel="C1", ts="1.2", text="t", blocks=too_many)
    assert [v.split(":")[0] for v in fake.violations] == ["chat.postEphemeral", "chat.update"]


# -- views ----------------------------------------------------------------------------------


def modal(**overrides: Any) -> dict[str, Any]:
    view = {
        "type": "modal",
        "callback_id": "feedback",
        "title": {"type": "plain_text", "text": "Give feedback"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [section("hello")],
    }
    return view | overrides


def test_views_open_update_publish(fake: FakeSlack, client: WebClient) -> None:
    opened = client.views_open(trigger_id="t1", view=modal())["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "feedback"
    updated = client.views_update(view_id=opened["id"], view=modal())["view"]
    assert updated["id"] == opened["id"]
    assert client.views_push(trigger_id="t2", view=modal())["ok"]
    home = {"type": "home", "blocks": [section("home")]}
    assert client.views_publish(user_id="U1", view=home)["ok"]

    assert [c.method for c in fake.views()] == [
        "views.open",
        "views.update",
        "views.push",
        "views.publish",
    ]
    [call] = fake.views("views.open")
    assert call.params["view"]["title"]["text"] == "Give feedback"
    assert fake.views("publish")[0].params["user_id"] == "U1"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"title": {"type": "plain_text", "text": "T" * 25}}, "view title text is 25 chars"),
        ({"submit": {"type": "plain_text", "text": "S" * 25}}, "view submit text is 25 chars"),
        ({"close": {"type": "plain_text", "text": "C" * 25}}, "view close text is 25 chars"),
        ({"private_metadata": "m" * 3001}, "private_metadata is 3001 chars"),
        ({"blocks": [section("x")] * 101}, "101 blocks (max 100)"),
    ],
)
def test_view_limit_violations(
    fake: FakeSlack, client: WebClient, overrides: dict[str, Any], expected: str
) -> None:
    with pytest.raises(SlackApiError) as err:
        client.views_open(trigger_id="t1", view=modal(**overrides))
    assert err.value.response["error"] == "invalid_arguments"
    assert len(fake.violations) == 1 and expected in fake.violations[0]
    assert fake.violations[0].startswith("views.open: ")


def test_view_with_100_blocks_is_fine(client: WebClient) -> None:
    assert client.views_open(trigger_id="t1", view=modal(blocks=[section("x")] * 100))["ok"]


# -- files ----------------------------------------------------------------------------------


def test_files_upload_v2_end_to_end(fake: FakeSlack, client: WebClient) -> None:
    resp = client.files_upload_v2(
        channel="C1", content=b"\x89PNG fake", filename="a.png", initial_comment="chart"
    )

    file_id = resp["file"]["id"]
    assert fake.uploads[file_id] == b"\x89PNG fake"
    assert resp["file"]["title"] == "a.png"
    [complete] = fake.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == "C1"
    assert complete.params["initial_comment"] == "chart"
    assert complete.params["files"][0]["id"] == file_id


# -- response_url ---------------------------------------------------------------------------


def test_response_url_posts_are_recorded(fake: FakeSlack) -> None:
    url = fake.response_url("hook1", user="U1")
    assert post_json(url, {"text": "just you"}) == (200, {"ok": True})
    assert post_json(url, {"text": "everyone", "response_type": "in_channel"})[0] == 200
    post_json(fake.response_url(), {"text": "eph", "response_type": "ephemeral"})

    [call] = fake.ephemerals("U1")
    assert call.method == "response_url"
    assert call.params == {"text": "just you", "_hook": "hook1", "user": "U1"}
    assert [c.params["text"] for c in fake.ephemerals()] == ["just you", "eph"]
    assert len(fake.calls_to("response_url")) == 3


def test_response_url_block_limits(fake: FakeSlack) -> None:
    status, body = post_json(fake.response_url(), {"blocks": [section("x")] * 51})
    assert (status, body["error"]) == (400, "invalid_blocks")
    assert fake.violations == ["response_url: 51 blocks (max 50)"]


# -- helpers --------------------------------------------------------------------------------


def test_wait_for_sees_work_done_later(fake: FakeSlack, client: WebClient) -> None:
    timer = threading.Timer(0.1, lambda: client.chat_postMessage(channel="C1", text="later"))
    timer.start()
    try:
        assert fake.wait_for(lambda: len(fake.messages("C1")) == 1, timeout=5)
    finally:
        timer.join()
    assert not fake.wait_for(lambda: False, timeout=0.05)


def test_reset_keeps_users(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C1", text="t", blocks=[section("x")] * 51)
    client.files_upload_v2(channel="C1", content=b"data", filename="f.txt")
    fake.fail_next("auth.test")

    fake.reset()

    assert (fake.calls, fake.violations, fake.uploads) == ([], [], {})
    assert client.auth_test()["ok"]  # the pending failure is gone too
    assert client.users_info(user="U1")["user"]["name"] == "alice"


def test_hold_records_a_call_but_answers_it_only_when_released(fake: FakeSlack, client: WebClient):
    fake.hold("chat.postMessage", after=1)
    client.chat_postMessage(channel="C1", text="answered")
    answers: list[str] = []
    held = threading.Thread(
        target=lambda: answers.append(client.chat_postMessage(channel="C1", text="held")["ts"])
    )
    held.start()
    assert fake.wait_for(lambda: len(fake.messages("C1")) == 2)  # recorded: Slack has it
    assert answers == [] and held.is_alive()
    fake.release()
    held.join(5)
    assert len(answers) == 1
    client.chat_postMessage(channel="C1", text="after release")  # not held any more
