"""The directory caches people Slack tells us about, once, even under concurrent first contact."""

from __future__ import annotations

import threading

from sqlmodel import select

from bot.org import directory
from storage.models.core import User


def test_concurrent_first_contact_stores_one_row(deps, fake):
    fake.add_user("UNEW", name="newbie", real_name="New Person", locale="zh-CN")
    barrier = threading.Barrier(4)
    found: list[str] = []

    def contact() -> None:
        barrier.wait()
        directory.learn(deps.sender, deps.db, "T0001", ["UNEW"])
        with deps.db.session() as session:
            user = directory.find(session, "T0001", "UNEW")
            found.append(user.slack_id if user else "none")

    threads = [threading.Thread(target=contact) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert found == ["UNEW"] * 4
    with deps.db.session() as session:
        rows = session.exec(select(User).where(User.slack_id == "UNEW")).all()
        assert len(rows) == 1 and rows[0].slack_locale == "zh-CN"


def test_unknown_slack_id_is_none_and_stores_nothing(deps):
    directory.learn(deps.sender, deps.db, "T0001", ["UGHOST"])
    with deps.db.session() as session:
        assert directory.find(session, "T0001", "UGHOST") is None
        assert session.exec(select(User)).all() == []
