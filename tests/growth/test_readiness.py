"""Readiness numbers against a fixture worked out by hand (tests/growth/career_support.py):
composites averaged over complete months, missing months, manager ratings of the latest
closed cycle, no closed cycle, tenure, no hire date, top level, unknown and no level."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.config import AppConfig
from bot.growth.readiness import (
    COMPOSITE,
    MISSING_MONTHS,
    NO_HIRE_DATE,
    NO_LEVEL,
    NO_RATING,
    NOT_ASKED,
    ON_LADDER,
    RATING,
    TENURE,
    TOP,
    UNKNOWN_LEVEL,
    complete_months,
    readiness,
    tenure_months,
)
from storage.models.core import User
from tests.growth.career_support import TODAY, career_config, career_world


@pytest.fixture
def config() -> AppConfig:
    return career_config()


def _all(db, config, people):
    with db.session() as s:
        return readiness(s, config, "T0001", list(people.values()), TODAY)


def test_complete_months_are_the_ones_before_this_month():
    assert [p.key for p in complete_months(TODAY, 3)] == ["2026-08", "2026-09", "2026-10"]
    assert [p.key for p in complete_months(date(2026, 1, 1), 2)] == ["2025-11", "2025-12"]


@pytest.mark.parametrize(
    ("hired", "today", "months"),
    [
        (date(2025, 6, 15), TODAY, 17),
        (date(2024, 12, 1), TODAY, 23),
        (date(2025, 1, 31), date(2025, 2, 28), 0),  # not a full month yet
        (date(2025, 1, 31), date(2025, 3, 31), 2),
        (date(2027, 1, 1), TODAY, 0),  # a future hire date counts nothing
    ],
)
def test_tenure_counts_full_months(hired, today, months):
    assert tenure_months(hired, today) == months


def test_alice_is_ready_for_l2(db, org, config):
    people = career_world(db, org)
    r = _all(db, config, people)[people["alice"].id]
    assert r.place == ON_LADDER and r.level.key == "L1" and r.next_level.key == "L2"
    composite = r.criterion(COMPOSITE)
    assert composite.value == 0.85 and composite.required == 0.8 and composite.met
    assert composite.months == ("2026-08", "2026-09", "2026-10") and composite.have == 3
    assert r.criterion(RATING) is None  # L1 asks no rating
    tenure = r.criterion(TENURE)
    assert (tenure.value, tenure.required, tenure.met) == (17, 12, True)
    assert r.ready is True


def test_bob_misses_a_month_and_tenure_but_has_his_rating(db, org, config):
    people = career_world(db, org)
    r = _all(db, config, people)[people["bob"].id]
    composite = r.criterion(COMPOSITE)
    assert composite.problem == MISSING_MONTHS and (composite.have, len(composite.months)) == (2, 3)
    assert composite.value == 1.1 and not composite.met  # 110% on 2 of 3 months: not met
    rating = r.criterion(RATING)
    assert (rating.value, rating.required, rating.met, rating.cycle) == (3.7, 3.5, True, "2026 Q3")
    tenure = r.criterion(TENURE)
    assert (tenure.value, tenure.met) == (23, False)
    assert r.ready is False


def test_xiaowang_six_months_no_submitted_rating_no_hire_date(db, org, config):
    people = career_world(db, org)
    r = _all(db, config, people)[people["xiaowang"].id]
    composite = r.criterion(COMPOSITE)
    assert composite.value == 1.0 and composite.met and len(composite.months) == 6
    rating = r.criterion(RATING)
    assert rating.problem == NO_RATING and rating.cycle == "2026 Q3" and not rating.met
    assert rating.counted
    tenure = r.criterion(TENURE)
    assert tenure.problem == NO_HIRE_DATE and tenure.value is None and not tenure.met
    assert r.ready is False


def test_no_closed_cycle_means_the_rating_is_not_asked_and_does_not_count(db, org, config):
    people = career_world(db, org, closed=False)
    r = _all(db, config, people)[people["bob"].id]
    rating = r.criterion(RATING)
    assert rating.problem == NOT_ASKED and not rating.counted
    assert r.ready is False  # still: composite and tenure


def test_only_the_rating_missing_without_a_closed_cycle_is_ready(db, org, config):
    """An L2 with every other criterion met is ready while no cycle has closed."""
    people = career_world(db, org, closed=False)
    with db.session() as s:
        alice = s.get(User, people["alice"].id)
        alice.level, alice.hire_date = "L2", date(2023, 1, 1)
        s.add(alice)
    with db.session() as s:
        alice = s.get(User, people["alice"].id)
        tuned = career_config()
        tuned.career.levels[1].min_composite = 0.85
        r = readiness(s, tuned, "T0001", [alice], TODAY)[alice.id]
    assert [c.met for c in r.criteria if c.counted] == [True, True]
    assert r.criterion(RATING).problem == NOT_ASKED
    assert r.ready is True


def test_top_unknown_and_no_level(db, org, config):
    people = career_world(db, org)
    found = _all(db, config, people)
    carol = found[people["carol"].id]
    assert carol.place == TOP and carol.criteria == () and carol.ready is None
    wendy = found[people["west_mgr"].id]
    assert wendy.place == UNKNOWN_LEVEL and wendy.level_key == "L9"
    assert found[people["hr"].id].place == NO_LEVEL


def test_one_composites_call_per_month_for_everyone(db, org, config, monkeypatch):
    from bot.growth import readiness as module

    people = career_world(db, org)
    calls = []
    real = module.composites

    def counting(session, config, team_id, period, user_ids, **kw):
        calls.append((period.key, sorted(user_ids)))
        return real(session, config, team_id, period, user_ids, **kw)

    monkeypatch.setattr(module, "composites", counting)
    _all(db, config, people)
    assert [key for key, _ in calls] == [
        "2026-10", "2026-09", "2026-08", "2026-07", "2026-06", "2026-05"
    ]  # fmt: skip
    # months 4-6 back only for L3 (six months): xiaowang
    assert calls[3][1] == [people["xiaowang"].id]
