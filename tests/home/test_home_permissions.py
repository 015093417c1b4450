"""bot/permissions/home.py: whose figures a Home shows besides the viewer's own."""

from __future__ import annotations

from sqlmodel import select

from bot.permissions import home
from storage.models.core import User


def test_the_tree_in_order_without_deactivated_people_or_bots(db, org):
    people = org.standard()
    with db.session() as s:
        bob = s.get(User, people["bob"].id)
        assert bob is not None
        bob.deactivated = True
        s.add(bob)
        s.add(
            User(team_id=org.team_id, slack_id="BOT1", name="A bot", is_bot=True,
                 manager_id=people["east_mgr"].id)
        )  # fmt: skip
    with db.session() as s:
        director = s.get(User, people["director"].id)
        names = [(u.name, depth) for u, depth in home.team_on_home(s, director)]  # type: ignore[arg-type]
        assert names == [
            ("Eric East", 1),
            ("Alice Wong", 2),
            ("王小明", 2),
            ("Wendy West", 1),
            ("Carol Diaz", 2),
        ]
        east = s.get(User, people["east_mgr"].id)
        assert [u.name for u, _ in home.team_on_home(s, east)] == ["Alice Wong", "王小明"]  # type: ignore[arg-type]


def test_who_sees_others_on_their_home(db, org):
    org.standard()
    with db.session() as s:
        by_id = {u.slack_id: u for u in s.exec(select(User)).all()}
        for slack_id in ("UALICE", "UBOB", "UXW", "UCAROL"):
            assert home.team_on_home(s, by_id[slack_id]) == []
            assert not home.sees_others_on_home(s, by_id[slack_id])
            assert not home.sees_company_overview(by_id[slack_id])
        for slack_id in ("UEMGR", "UWMGR", "UDIR"):
            assert home.sees_others_on_home(s, by_id[slack_id])
            assert not home.sees_company_overview(by_id[slack_id])
        assert home.sees_company_overview(by_id["UHR"]) and home.sees_others_on_home(
            s, by_id["UHR"]
        )
        assert home.team_on_home(s, by_id["UHR"]) == []
