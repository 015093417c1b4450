"""The awards line of a rep's review summary: closing the November cycle by `/review close`,
each winner's summary names their awards of the cycle's months (in their language), and no
one else's summary carries it. Plus which months a period's awards are for."""

from __future__ import annotations

import pytest

from bot.awards.service import awards_note, months_of
from bot.core.config import AppConfig
from bot.core.periods import parse_key
from storage.models.core import User
from storage.models.reviews import ReviewCycle
from tests.awards.export_support import RAW, award
from tests.reviews.close_support import close_config, november_cycle
from tests.support.feedback import reply_text
from tests.support.kpi_fixture import load
from tests.support.slack import all_text


@pytest.fixture
def config() -> AppConfig:
    return AppConfig.model_validate({**close_config().model_dump(), "awards": RAW["awards"]})


@pytest.fixture
def people(org, db):
    people = org.standard()
    load(db, "T0001", people)
    award(db, people["alice"], "champion", "2026-11")
    award(db, people["xiaowang"], "hunter", "2026-11")
    award(db, people["bob"], "champion", "2026-10")  # not a month of the November cycle
    return people


def dms(fake, user: str) -> str:
    return "\n".join(all_text(c.params) for c in fake.dms_to(user))


def test_closing_puts_the_awards_in_the_winners_summary_only(slack, fake, db, people):
    november_cycle(db)
    slack.command("UHR", "/review", "close")
    assert "Closed review cycle" in reply_text(fake, "UHR")
    alice = dms(fake, "UALICE")
    assert "Your review summary: Nov 2026" in alice
    assert "*Awards:* :trophy: Sales Champion (November 2026)" in alice
    assert "*奖项：* :dart: 客户猎手（2026年11月）" in dms(fake, "UXW")
    for other in ("UBOB", "UCAROL", "UEMGR", "UWMGR", "UDIR", "UHR"):
        text = dms(fake, other)
        assert text, other  # they got their summary
        assert "Awards:" not in text and "Sales Champion" not in text and "奖项：" not in text


def test_a_quarter_names_each_award_of_its_months(db, deps, ws, people):
    cycle = ReviewCycle(team_id="T0001", name="Q4", kind="quarterly", period="2026-Q4",
                        due=parse_key("2026-12").end)  # fmt: skip
    award(db, people["bob"], "hunter", "2026-12")
    with db.session() as s:
        bob = s.get(User, people["bob"].id)
        note = awards_note(s, ws, bob, cycle, "en-US")
        assert note == (
            "*Awards:* :trophy: Sales Champion (October 2026), "
            ":dart: Customer Hunter (December 2026)"
        )
        carol = s.get(User, people["carol"].id)
        assert awards_note(s, ws, carol, cycle, "en-US") is None
        november = ReviewCycle(team_id="T0001", name="N", kind="monthly", period="2026-11",
                               due=parse_key("2026-11").end)  # fmt: skip
        assert awards_note(s, ws, bob, november, "en-US") is None


@pytest.mark.parametrize(
    ("period", "months"),
    [
        ("2026-11", ["2026-11"]),
        ("2026-Q4", ["2026-10", "2026-11", "2026-12"]),
        ("2026-W48", ["2026-11"]),
        ("2026-W44", ["2026-10", "2026-11"]),  # Oct 26 - Nov 1
        ("2026", [f"2026-{m:02d}" for m in range(1, 13)]),
    ],
)
def test_the_months_of_a_period(period, months):
    assert months_of(parse_key(period)) == months
