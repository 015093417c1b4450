"""The weekly digest's rep DM follows the one delivery rule: a Los Angeles rep's goes out at
`[digest] time` in Los Angeles on Monday, while the team channel keeps workspace time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from bot.features import find_job
from storage.models.core import User
from tests.support.kpi_fixture import kpi_config, load
from tests.support.slack import all_text

MONDAY_SH = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Mon 09:00 Shanghai = Sun 17:00 LA
MONDAY_LA = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # Mon 09:00 in Los Angeles


@pytest.fixture
def people(org, deps):
    people = org.standard()
    deps.config = kpi_config(deps.config)
    deps.clock = lambda: MONDAY_SH
    load(deps.db, org.team_id, people)
    with deps.db.session() as s:
        s.exec(update(User).where(User.slack_id == "UALICE").values(timezone="America/Los_Angeles"))
    return people


def tick(deps, as_of: datetime) -> str:
    return find_job("deliver-outbox").func(deps, as_of)


def test_an_la_reps_digest_waits_for_her_monday_morning(deps, fake, people):
    tick(deps, MONDAY_SH)  # the digest's time: queued, team post and Shanghai reps now
    assert len(fake.messages("CEAST")) == 1
    assert len(fake.dms_to("UBOB")) == 1
    assert fake.dms_to("UALICE") == []  # Sunday 17:00 for her
    tick(deps, datetime(2026, 11, 30, 16, 59, tzinfo=UTC))  # 08:59 LA
    assert fake.dms_to("UALICE") == []
    tick(deps, MONDAY_LA)
    [dm] = fake.dms_to("UALICE")
    text = all_text(dm.params)  # the same numbers as a Shanghai run would show
    assert "Your weekly KPI digest" in text and "¥180,001 of ¥200,000 · ↑ ¥90,001" in text
    assert len(fake.messages("CEAST")) == 1 and len(fake.dms_to("UBOB")) == 1  # nothing twice
