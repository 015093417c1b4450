"""Both KPI importers name people the same way: a Slack id (any case) or an email (any
case); bots are nobody; sales teams come from the directory."""

from __future__ import annotations

from bot.org.directory import people_index


def test_people_are_found_by_slack_id_or_email(org, db):
    alice = org.person("UALICE", "Alice", team="east", email="Alice@Example.com")
    bob = org.person("UBOB", "Bob", team="west")
    bot = org.person("UBOT", "Bot", team=None)
    with db.session() as s:
        from storage.models.core import User

        row = s.get(User, bot.id)
        row.is_bot = True
        s.add(row)
    with db.session() as s:
        people = people_index(s, org.team_id)
    assert people.find("UALICE") == alice.id
    assert people.find(" ualice ") == alice.id
    assert people.find("alice@example.COM") == alice.id
    assert people.find("UBOB") == bob.id
    assert people.find("BOB@example.com") == bob.id  # the builder gives bob@example.com
    assert people.find("carol@example.com") is None
    assert people.find("UBOT") is None  # bots are nobody's KPI
    assert people.find("UNOBODY") is None
    assert people.teams == {"east", "west"}
