"""A listener that refuses right after ack() must still answer 200 at once (Bolt's thread
runner used to lose the ack then: a 3 s wait, a 404, and an error shown in Slack)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from slack_bolt.request import BoltRequest

from bot.core.errors import UserFacingError
from demo.slack_requests import SlackRequests
from handlers.app import build_app
from tests.conftest import SIGNING_SECRET, TEAM


class _SlowPoll:
    """Bolt's runner polls for the ack every 10 ms; polling every 300 ms makes the race it
    loses (listener acks, raises and is handled between two polls) happen every time."""

    time = staticmethod(time.time)

    @staticmethod
    def sleep(_: float) -> None:
        time.sleep(0.3)


def test_refusal_right_after_ack_is_still_acknowledged(deps, fake, org, monkeypatch):
    from slack_bolt.listener import thread_runner

    monkeypatch.setattr(thread_runner, "time", _SlowPoll)
    org.standard()
    app = build_app(deps)

    @app.command("/refuse")
    def refuse(ack):  # type: ignore[no-untyped-def]
        time.sleep(0.05)  # the runner's first poll sees no ack yet and sleeps
        ack()
        raise UserFacingError("lang.usage")

    signer = SlackRequests("http://unused", SIGNING_SECRET, team_id=TEAM)
    for _ in range(3):
        body = urlencode(
            {
                "team_id": TEAM,
                "user_id": "UALICE",
                "command": "/refuse",
                "text": "",
                "response_url": fake.response_url("r", user="UALICE"),
                "trigger_id": "1.2.3",
            }
        )
        headers = signer.signed_headers(body) | {
            "Content-Type": "application/x-www-form-urlencoded"
        }
        started = time.monotonic()
        response = app.dispatch(
            BoltRequest(body=body, headers={k: [v] for k, v in headers.items()})
        )
        assert response.status == 200
        assert time.monotonic() - started < 2.0
    signer.close()
    assert fake.wait_for(lambda: len(fake.ephemerals("UALICE")) == 3)
    assert "Usage: `/pulse lang` shows your language" in fake.ephemerals("UALICE")[0].params["text"]
