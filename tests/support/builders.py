"""Small builders for test data: people in the directory and in the fake Slack."""

from __future__ import annotations

from datetime import date

from demo.slack_emulator import FakeSlack
from storage.db import Database
from storage.models.core import User


class Org:
    def __init__(self, db: Database, fake: FakeSlack, team_id: str) -> None:
        self.db, self.fake, self.team_id = db, fake, team_id

    def person(
        self,
        slack_id: str,
        name: str,
        *,
        team: str | None = "east",
        role: str = "rep",
        manager: User | None = None,
        locale: str | None = "en-US",
        timezone: str = "Asia/Shanghai",
        handle: str | None = None,
        email: str | None = None,
        level: str | None = None,
        hire_date: date | None = None,
    ) -> User:
        """A person in the org import and known to Slack."""
        handle = handle or name.split()[0].lower()
        email = email or f"{handle}@example.com"
        self.fake.add_user(
            slack_id,
            name=handle,
            real_name=name,
            email=email,
            locale=locale or "en-US",
            tz=timezone,
        )
        with self.db.session() as session:
            user = User(
                team_id=self.team_id,
                slack_id=slack_id,
                name=name,
                handle=handle,
                email=email,
                team=team,
                role=role,
                manager_id=manager.id if manager else None,
                locale=locale,
                timezone=timezone,
                level=level,
                hire_date=hire_date,
                source="org",
            )
            session.add(user)
        return user

    def standard(self) -> dict[str, User]:
        """hr, a director, two managers under them, reps in two teams, one zh-CN rep."""
        hr = self.person("UHR", "Helen HR", team=None, role="hr")
        director = self.person("UDIR", "Dora Director", team=None, role="manager")
        east_mgr = self.person("UEMGR", "Eric East", role="manager", manager=director)
        west_mgr = self.person("UWMGR", "Wendy West", team="west", role="manager", manager=director)
        alice = self.person("UALICE", "Alice Wong", manager=east_mgr)
        bob = self.person("UBOB", "Bob Chen", manager=east_mgr)
        xiaowang = self.person(
            "UXW", "王小明", manager=east_mgr, locale="zh-CN", handle="小王", email="xw@example.com"
        )
        carol = self.person("UCAROL", "Carol Diaz", team="west", manager=west_mgr)
        return {
            "hr": hr,
            "director": director,
            "east_mgr": east_mgr,
            "west_mgr": west_mgr,
            "alice": alice,
            "bob": bob,
            "xiaowang": xiaowang,
            "carol": carol,
        }
