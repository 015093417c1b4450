"""Opening a cycle: who takes part and which tasks each person gets; bad specs write nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from bot.core.errors import UserFacingError
from bot.reviews.cycles import CycleSpec, check, find_cycle
from storage.models.core import User
from storage.models.reviews import ReviewTask
from tests.support.reviews import start_cycle

TODAY = date(2026, 11, 27)
TEAMS = frozenset({"east", "west"})


def _tasks(db) -> set[tuple[str, str, str]]:
    with db.session() as s:
        names = {u.id: u.slack_id for u in s.exec(select(User)).all()}
        return {
            (names[t.subject_id], names[t.reviewer_id], t.role)
            for t in s.exec(select(ReviewTask)).all()
        }


def test_reps_of_the_chosen_teams_get_self_manager_and_nomination_tasks(db, org):
    org.standard()
    start_cycle(db, "T0001", teams=("east",), steps=("self", "manager", "peer"))
    assert _tasks(db) == {
        (rep, reviewer, role)
        for rep in ("UALICE", "UBOB", "UXW")
        for reviewer, role in ((rep, "self"), ("UEMGR", "manager"), (rep, "nominate"))
    }


def test_all_teams_without_peers(db, org):
    org.standard()
    start_cycle(db, "T0001")
    tasks = _tasks(db)
    assert ("UCAROL", "UWMGR", "manager") in tasks and ("UCAROL", "UCAROL", "self") in tasks
    assert not any(role == "nominate" for *_, role in tasks)
    assert not any(subject in ("UHR", "UDIR", "UEMGR") for subject, *_ in tasks)  # reps only


def test_a_duplicate_name_fails_on_the_constraint(db, org):
    org.standard()
    start_cycle(db, "T0001")
    with pytest.raises(IntegrityError):
        start_cycle(db, "T0001")
    with db.session() as s:
        assert find_cycle(s, "T0001", "2026 Q4") is not None
        assert find_cycle(s, "T0001", None).name == "2026 Q4"
        assert find_cycle(s, "T0001", "nope") is None


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"name": " "}, "reviews.bad_name"),
        ({"kind": "weekly"}, "reviews.bad_kind"),
        ({"period": "2026-13"}, "reviews.bad_period"),
        ({"period": "2026-11"}, "reviews.bad_period"),  # a month for a quarterly cycle
        ({"due": date(2026, 11, 26)}, "reviews.due_in_past"),
        ({"teams": ("north",)}, "reviews.unknown_team"),
        ({"steps": ("self", "boss")}, "reviews.bad_steps"),
        ({"steps": ("peer",), "peers": 0}, "reviews.bad_peers"),
    ],
)
def test_check_names_what_is_wrong(changes, key):
    spec = {
        "name": "2026 Q4",
        "kind": "quarterly",
        "period": "2026-Q4",
        "due": date(2026, 12, 31),
        "known_teams": TEAMS,
        **changes,
    }
    with pytest.raises(UserFacingError) as err:
        check(CycleSpec(**spec), TODAY)
    assert err.value.key == key
