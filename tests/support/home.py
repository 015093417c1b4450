"""App Home test data: feedback, kudos and requests at known instants (the flows that create
them are tested in tests/feedback and tests/kudos), and reading a published Home."""

from __future__ import annotations

from datetime import UTC, datetime

from demo.block_limits import check_view
from demo.slack_emulator import FakeSlack
from demo.slack_requests import SlackRequests
from storage.db import Database
from storage.models.core import User
from storage.models.feedback import Feedback, FeedbackAsk, FeedbackRequest, Kudos, KudosRecipient
from tests.support.slack import all_text


def at(day: str, hour: int = 4) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def feedback(
    db: Database, team_id: str, giver: User, recipient: User, day: str, text: str, kind: str
) -> None:
    with db.session() as s:
        s.add(
            Feedback(
                team_id=team_id,
                giver_id=giver.id,
                recipient_id=recipient.id,
                kind=kind,
                message=text,
                created_at=at(day),
            )
        )


def kudos(
    db: Database,
    team_id: str,
    giver: User,
    recipients: list[User],
    day: str,
    *,
    withdrawn: bool = False,
) -> None:
    with db.session() as s:
        row = Kudos(
            team_id=team_id,
            giver_id=giver.id,
            message="thanks!",
            created_at=at(day),
            withdrawn_at=at(day, 5) if withdrawn else None,
        )
        s.add(row)
        s.flush()
        for r in recipients:
            s.add(KudosRecipient(team_id=team_id, kudos_id=row.id, user_id=r.id))


def request(
    db: Database,
    team_id: str,
    requester: User,
    subject: User,
    asks: list[tuple[User, str]],
    day: str,
) -> None:
    """A feedback request with one ask per peer in the given status (open / answered)."""
    with db.session() as s:
        req = FeedbackRequest(
            team_id=team_id, requester_id=requester.id, subject_id=subject.id, created_at=at(day)
        )
        s.add(req)
        s.flush()
        for peer, status in asks:
            s.add(
                FeedbackAsk(
                    team_id=team_id,
                    request_id=req.id,
                    peer_id=peer.id,
                    status=status,
                    created_at=at(day),
                )
            )


def open_home(slack: SlackRequests, fake: FakeSlack, user: str) -> tuple[dict, str]:
    """Open `user`'s App Home through the signed endpoint: (the published view, its text).
    The view is checked against Slack's Block Kit limits."""
    before = len([c for c in fake.views("publish") if c.params.get("user_id") == user])
    slack.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": "D" + user})
    assert fake.wait_for(
        lambda: len([c for c in fake.views("publish") if c.params.get("user_id") == user]) > before
    )
    view = [c for c in fake.views("publish") if c.params.get("user_id") == user][-1].params["view"]
    assert check_view(view) == [], check_view(view)
    return view, all_text(view)


def line_of(text: str, name: str) -> str:
    """The one line of a Home that names `name` in bold."""
    found = [line for line in text.splitlines() if f"*{name}*" in line]
    assert len(found) == 1, (name, found)
    return found[0]
