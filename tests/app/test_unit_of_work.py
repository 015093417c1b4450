"""The unit of work: no Slack call inside a database transaction (the autouse fixture checks
every test; here, that it would catch one), a listener delivers exactly what it queued, and a
Slack refusal after commit keeps the record and tells the actor."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlmodel import select

from bot.features import find_job
from storage.models.core import Claim, Delivery
from storage.models.feedback import Kudos
from storage.types import utcnow
from tests.support.feedback import reply_text


def test_a_slack_call_inside_a_transaction_is_caught(deps, no_slack_in_transactions):
    with deps.db.session() as session:
        session.exec(select(Claim)).all()  # the transaction is open from here
        deps.client.auth_test()
    deps.client.auth_test()  # after commit: fine
    assert len(no_slack_in_transactions) == 1
    assert "Web API auth.test inside a database transaction" in no_slack_in_transactions[0]
    no_slack_in_transactions.clear()  # caught as it should be: not this test's failure


def test_a_rate_limited_kudos_card_holds_no_write_lock(slack, fake, org, db):
    """Measured before: one 429 (Retry-After: 2) on the card held an unrelated SQLite write
    for 2.6 s, because the card was posted inside the kudos's transaction."""
    org.standard()
    fake.fail_next("chat.postMessage", status=429, retry_after=2)
    slack.command("UALICE", "/kudos", "<@UBOB|bob> nailed the demo")
    assert fake.wait_for(lambda: len(fake.calls_to("chat.postMessage")) == 1)  # refused: 429
    started = time.monotonic()
    with db.session() as session:  # a write: takes SQLite's write lock
        session.add(Claim(team_id="T0001", key="an unrelated write"))
    took = time.monotonic() - started
    assert len(fake.calls_to("chat.postMessage")) == 1  # the card still waits out Retry-After
    assert took < 0.5, f"an unrelated write waited {took:.2f} s for the kudos"
    assert "Kudos posted for" in reply_text(fake, "UALICE")  # the retry went out after all
    posted = [c for c in fake.messages("CRECOG") if (c.response or {}).get("ok")]
    assert len(posted) == 1


def test_a_listener_delivers_only_what_it_queued(slack, fake, org, deps):
    org.standard()
    with deps.db.session() as session:  # someone else's backlog, not due to this listener
        deps.sender.enqueue(session, "T0001", "backlog", "CEAST", "left for the job", None)
    slack.command("UALICE", "/feedback", "<@UBOB|bob> praise great call")
    reply_text(fake, "UALICE")
    assert fake.wait_for(lambda: len(fake.dms_to("UBOB")) == 1)
    assert fake.messages("CEAST") == []
    with deps.db.session() as session:
        [backlog] = session.exec(select(Delivery).where(Delivery.key == "backlog")).all()
        assert backlog.status == "pending"


def test_a_refused_card_keeps_the_kudos_tells_the_giver_and_is_retried(slack, fake, org, db, deps):
    org.standard()
    fake.fail_next("chat.postMessage", status=500)
    slack.command("UALICE", "/kudos", "<@UBOB|bob> nailed the demo")
    assert "will be sent again" in reply_text(fake, "UALICE")
    with db.session() as session:
        [kudos] = session.exec(select(Kudos)).all()  # recorded, not rolled back
        [card] = session.exec(select(Delivery).where(Delivery.key == f"kudos:{kudos.id}:card"))
        assert card.status == "pending" and card.last_error == "HTTP 500"
    assert fake.dms_to("UBOB") == []  # no DM links to a card that isn't there
    with db.session() as session:  # the retry is due (its backoff elapsed)
        card = session.get(Delivery, card.id)
        card.next_attempt_at = utcnow() - timedelta(seconds=1)
        session.add(card)
    assert "failed 0" in find_job("deliver-outbox").func(deps, utcnow())
    assert len(kudos_dms(fake)) == 1  # the retried card, then its recipient's DM
    with db.session() as session:
        [kudos] = session.exec(select(Kudos)).all()
        assert kudos.ts and kudos.permalink and kudos.permalink in str(kudos_dms(fake))
    assert find_job("deliver-outbox").func(deps, utcnow()).startswith("sent 0")
    assert len(kudos_dms(fake)) == 1  # announced once


def kudos_dms(fake) -> list:
    return [m for m in fake.dms_to("UBOB") if "gave you kudos" in m.params["text"]]
