"""The edge, probed as an attacker would: nothing unsigned acts, a payload can't aim the bot's
requests at a host of its choosing, a broken body is a 400 and never a traceback, a huge body
is refused while it is read, and another workspace's payload creates nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import select
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode, urlsplit

import pytest
from slack_bolt.request import BoltRequest
from sqlalchemy import func
from sqlalchemy import select as sql_select
from sqlmodel import SQLModel

from bot.core.slack_client import response_url_allowed
from demo.slack_emulator import FakeSlack
from demo.slack_requests import InFlight, SlackRequests
from handlers.app import build_app
from handlers.web import MAX_SLACK_BODY
from storage.db import Database
from tests.conftest import SIGNING_SECRET, TEAM

MARKER = "MARKER-5b1e"  # in every hostile body: no WARNING+ log line may repeat it


class Attacker:
    """A tiny HTTP listener on port 0: a response_url that is not Slack's."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                outer.hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/x"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def attacker() -> Iterator[Attacker]:
    listener = Attacker()
    yield listener
    listener.close()


@pytest.fixture
def edge(server: str, inflight: InFlight) -> tuple[str, InFlight]:
    """The real web app and the barrier on its listeners (waiting for it proves that nothing
    more will happen for the requests answered so far)."""
    return server, inflight


@pytest.fixture
def requests_(edge: tuple[str, InFlight], fake: FakeSlack) -> Iterator[SlackRequests]:
    client = SlackRequests(f"{edge[0]}/slack/events", SIGNING_SECRET, team_id=TEAM)
    yield client
    client.close()


def row_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            table.name: conn.execute(sql_select(func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }


def logged_body(caplog: pytest.LogCaptureFixture) -> list[str]:
    """WARNING+ log lines (with any traceback) that repeat something from a hostile body."""
    formatter = logging.Formatter()
    lines = [formatter.format(r) for r in caplog.records if r.levelno >= logging.WARNING]
    return [line for line in lines if MARKER in line]


def action_payload(response_url: str, user: str = "UALICE") -> dict:
    return {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": user},
        "api_app_id": "A0SALESPULSE",
        "trigger_id": "1.2.3",
        "container": {"type": "message"},
        "channel": {"id": "C0GENERAL"},
        "actions": [{"action_id": "nothing", "block_id": MARKER, "value": MARKER}],
        "response_url": response_url,
    }


def form(payload: object) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def post(slack: SlackRequests, raw: bytes, headers: dict[str, str], content_type: str):
    return slack.http.post(
        slack.events_url, content=raw, headers={"Content-Type": content_type, **headers}
    )


def signed(raw: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """Slack's signature over exact bytes (also bytes that are not UTF-8)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(SIGNING_SECRET.encode(), b"v0:%s:%s" % (ts.encode(), raw), hashlib.sha256)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + digest.hexdigest()}


def assert_nothing_happened(fake, attacker, db, before, caplog, inflight) -> None:
    assert inflight.wait_idle(10)  # every listener this request started has finished
    assert fake.calls == []
    assert attacker.hits == []
    assert row_counts(db) == before
    assert logged_body(caplog) == []


# -- 1. An unverified request never acts --------------------------------------------------


def test_non_numeric_timestamp_is_401_and_reaches_nobody(
    requests_, fake, attacker, db, org, caplog, edge
):
    """The reported attack: Bolt's verification raised, and the error handler apologised to
    the body's response_url (any host)."""
    org.standard()
    before = row_counts(db)
    raw = form(action_payload(attacker.url))
    headers = {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=" + "0" * 64}
    resp = post(requests_, raw, headers, "application/x-www-form-urlencoded")
    assert resp.status_code == 401
    assert_nothing_happened(fake, attacker, db, before, caplog, edge[1])


UNSIGNED = {
    "no timestamp": lambda h: {"X-Slack-Signature": h["X-Slack-Signature"]},
    "no signature": lambda h: {"X-Slack-Request-Timestamp": h["X-Slack-Request-Timestamp"]},
    "wrong signature": lambda h: {**h, "X-Slack-Signature": "v0=" + "0" * 64},
    "not v0": lambda h: {**h, "X-Slack-Signature": h["X-Slack-Signature"][3:]},
    "non-ascii signature": lambda h: {**h, "X-Slack-Signature": "v0=é".encode("latin-1")},
    "huge timestamp": lambda h: {**h, "X-Slack-Request-Timestamp": "9" * 5000},
    "negative timestamp": lambda h: {**h, "X-Slack-Request-Timestamp": "-1"},
}


@pytest.mark.parametrize("case", sorted(UNSIGNED))
def test_unverifiable_request_is_401_and_reaches_nobody(
    requests_, fake, attacker, db, org, caplog, edge, case
):
    org.standard()
    before = row_counts(db)
    raw = form(action_payload(attacker.url))
    headers = UNSIGNED[case](signed(raw))
    resp = post(requests_, raw, headers, "application/x-www-form-urlencoded")
    assert resp.status_code == 401
    assert_nothing_happened(fake, attacker, db, before, caplog, edge[1])


@pytest.mark.parametrize("age", [-330, 330])  # 30 s of slack for a slow machine
def test_signature_outside_five_minutes_is_401(
    requests_, fake, attacker, db, org, caplog, edge, age
):
    org.standard()
    before = row_counts(db)
    raw = form(action_payload(attacker.url))
    headers = signed(raw, timestamp=int(time.time()) - age)
    resp = post(requests_, raw, headers, "application/x-www-form-urlencoded")
    assert resp.status_code == 401
    assert_nothing_happened(fake, attacker, db, before, caplog, edge[1])


BROKEN_BODIES = {
    "not utf-8": (b"command=%2Fpulse&text=\xff\xfe" + MARKER.encode(), "form"),
    "payload not json": (urlencode({"payload": "{" + MARKER}).encode(), "form"),
    "payload a list": (form([MARKER]), "form"),
    "json a list": (json.dumps([MARKER]).encode(), "json"),
    "json a string": (json.dumps(MARKER).encode(), "json"),
    "json broken": (b'{"type": "event_callback", "x": "' + MARKER.encode(), "json"),
}
CONTENT_TYPES = {"form": "application/x-www-form-urlencoded", "json": "application/json"}


@pytest.mark.parametrize("case", sorted(BROKEN_BODIES))
@pytest.mark.parametrize("sign", [True, False], ids=["signed", "unsigned"])
def test_unreadable_body_is_400_signed_401_unsigned_never_500(
    requests_, fake, attacker, db, org, caplog, edge, case, sign
):
    org.standard()
    before = row_counts(db)
    raw, kind = BROKEN_BODIES[case]
    headers = signed(raw) if sign else {"X-Slack-Request-Timestamp": "abc"}
    resp = post(requests_, raw, headers, CONTENT_TYPES[kind])
    assert resp.status_code == (400 if sign else 401)
    assert_nothing_happened(fake, attacker, db, before, caplog, edge[1])


def test_declared_oversized_body_is_413_before_reading(requests_, fake, db, edge):
    """Content-Length over the limit is refused at once; the body is never sent."""
    host, port = urlsplit(requests_.events_url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % (150 * MAX_SLACK_BODY)
        )
        assert sock.recv(100).startswith(b"HTTP/1.1 413")
    assert fake.calls == []


def test_chunked_body_is_refused_once_past_the_limit_not_read_to_its_end(requests_, fake, edge):
    """A chunked body of 64 MB: the 413 arrives while the client still has most of it to send.
    Before the fix the server read every byte (the answer came only after the last chunk)."""
    host, port = urlsplit(requests_.events_url).netloc.split(":")
    chunk = b"x" * 65536
    total_chunks = 1024  # 64 MB
    sent = 0
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        frame = b"%x\r\n%s\r\n" % (len(chunk), chunk)
        answered = False
        while sent < total_chunks:
            # Event-driven, no timing: send while the socket takes more, stop when the answer
            # is readable (the timeout only guards against a hang).
            readable, writable, _ = select.select([sock], [sock], [], 10)
            if readable:
                answered = True
                break
            assert writable, "the server neither read on nor answered"
            sock.sendall(frame)
            sent += 1
        assert answered, "the whole 64 MB body was read before the answer"
        assert sock.recv(100).startswith(b"HTTP/1.1 413")
    assert sent < total_chunks // 2
    assert fake.calls == []


def test_bolt_alone_refuses_an_unverifiable_request_without_acting(deps, fake, attacker, db):
    """Socket Mode and the demo reach Bolt without handlers/web.py: Bolt's own verification stays
    on, and its error handler trusts nothing of a request that never passed it."""
    app = build_app(deps)
    before = row_counts(db)
    raw = form(action_payload(attacker.url)).decode()
    request = BoltRequest(
        body=raw,
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "x-slack-request-timestamp": "abc",
            "x-slack-signature": "v0=" + "0" * 64,
        },
    )
    response = app.dispatch(request)
    assert response.status == 401
    assert attacker.hits == [] and fake.calls == []
    assert row_counts(db) == before


# -- response_url: Slack's hosts only ----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://hooks.slack.com/commands/T1/2/abc", True),
        ("https://HOOKS.slack.com:443/actions/T1/2/abc", True),
        ("http://hooks.slack.com/commands/T1/2/abc", False),
        ("https://hooks.slack.com:8443/commands/T1/2/abc", False),
        ("https://hooks.slack.com.evil.example/x", False),
        ("https://evil.example/hooks.slack.com", False),
        ("https://hooks.slack.com@evil.example/x", False),
        ("https://hooks.slack.com:notaport/x", False),
        ("http://127.0.0.1:8000/hooks/x", True),  # the SLACK_API_URL origin below
        ("http://127.0.0.1:8001/hooks/x", False),
        ("http://localhost:8000/hooks/x", False),
        ("javascript:alert(1)", False),
        ("", False),
        (None, False),
        (["https://hooks.slack.com/x"], False),
    ],
)
def test_response_url_allowed_only_on_slack_or_the_api_origin(url, allowed):
    assert response_url_allowed(url, "http://127.0.0.1:8000/api/") is allowed


def test_response_url_on_slack_only_by_default():
    assert not response_url_allowed("http://127.0.0.1:8000/x", "https://slack.com/api/")
    assert response_url_allowed("https://hooks.slack.com/x", "https://slack.com/api/")


def test_signed_command_with_a_foreign_response_url_posts_nothing_there(fake, attacker, org, edge):
    """Even a signed payload (a leaked secret, a bug upstream) can't aim respond() elsewhere:
    the bot answers through the Web API instead, in the channel the user typed in. (A newcomer:
    /pulse answers them with respond() after looking them up.)"""
    org.standard()
    fake.add_user("UNEW", name="newbie", real_name="New Person")
    foreign = SlackRequests(
        f"{edge[0]}/slack/events",
        SIGNING_SECRET,
        team_id=TEAM,
        response_url=lambda hook, user=None: attacker.url,
    )
    try:
        assert foreign.command("UNEW", "/pulse", "whoami").status_code == 200
    finally:
        foreign.close()
    assert edge[1].wait_idle(10)
    assert attacker.hits == []
    assert fake.calls_to("response_url") == []
    told = fake.calls_to("chat.postEphemeral")
    assert [(c.params["user"], c.params["channel"]) for c in told] == [("UNEW", "C0GENERAL")]


# -- a foreign workspace -----------------------------------------------------------------


def test_another_workspace_creates_nothing_and_calls_nothing(fake, db, org, edge, attacker):
    org.standard()
    before = row_counts(db)
    other = SlackRequests(
        f"{edge[0]}/slack/events",
        SIGNING_SECRET,
        team_id="T9999",
        response_url=fake.response_url,
    )
    try:
        answers = [
            other.command("UALICE", "/pulse", "whoami"),
            other.command("UNEW", "/kudos", "<@UBOB> thanks"),
            other.command("UALICE", "/feedback", "list"),
            other.command("UALICE", "/kpi"),
            other.event({"type": "app_home_opened", "user": "UALICE", "tab": "home"}),
            other.event({"type": "app_home_opened", "user": "UNEW", "tab": "home"}),
            other.block_action("UALICE", "feedback_answer", "1", channel_id="C0GENERAL"),
        ]
    finally:
        other.close()
    assert edge[1].wait_idle(10)
    assert [(a.status_code, a.content) for a in answers] == [(200, b"")] * len(answers)
    # auth.test is the bot learning its own workspace (once per process), not an answer.
    assert [c.method for c in fake.calls if c.method != "auth.test"] == []
    assert row_counts(db) == before
