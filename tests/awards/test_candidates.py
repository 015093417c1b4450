"""Each award's candidates from known data (tests/support/kpi_fixture.py plus a few people
made to tie), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from bot.awards.candidates import KEEP, month_candidates, ranking
from bot.core.awards_config import AwardConfig
from bot.core.config import AppConfig
from bot.core.periods import keys_of, parse_key
from bot.kpi.scorecard import leaderboard
from bot.kpi.validation import FactRow
from bot.kpi.writer import write_facts
from storage.models.core import User
from storage.models.feedback import Kudos, KudosRecipient
from storage.types import utcnow
from tests.support.kpi_fixture import ALICE_NOV, BOB_NOV, CAROL_NOV, kpi_config, load

T = "T0001"
NOV = parse_key("2026-11")


def award(criterion: str, **extra: str) -> AwardConfig:
    return AwardConfig(key="a", name_en="A", name_zh="奖", criterion=criterion, **extra)


def facts(db, rows):
    with db.session() as session:
        write_facts(
            session,
            T,
            [
                FactRow(
                    i,
                    user.id,
                    metric,
                    date.fromisoformat(day),
                    int(Decimal(v) * 10**6),
                    None,
                    keys_of(date.fromisoformat(day)),
                )
                for i, (user, day, metric, v) in enumerate(rows, start=2)
            ],
        )


@pytest.fixture
def world(org, deps):
    people = org.standard()
    config = kpi_config(deps.config)
    load(deps.db, T, people)
    # dave: bob's November exactly, a day later -> the same composite, reached later
    dave = org.person("UDAVE", "Dave Doe", manager=people["east_mgr"])
    facts(
        deps.db,
        [
            (dave, "2026-11-06", "revenue", "100000"),
            (dave, "2026-11-12", "csat", "3"),
            (dave, "2026-11-10", "response_hours", "8"),
        ],
    )
    # erin: bob's revenue (a tie on the revenue award) and a better csat, the next-weighted
    erin = org.person("UERIN", "Erin Ng", manager=people["east_mgr"])
    facts(deps.db, [(erin, "2026-11-20", "revenue", "100000"), (erin, "2026-11-20", "csat", "4")])
    # frank: the best revenue of all, but deactivated; gina: kudos but no KPI data
    frank = org.person("UFRANK", "Frank Fu", manager=people["east_mgr"])
    facts(deps.db, [(frank, "2026-11-03", "revenue", "900000")])
    gina = org.person("UGINA", "Gina Gu", manager=people["east_mgr"])
    with deps.db.session() as session:
        session.get(User, frank.id).deactivated = True
    people.update(dave=dave, erin=erin, frank=frank, gina=gina)
    return people, config


def ranked(deps, config, criterion, **extra):
    bounds = NOV.bounds("Asia/Shanghai")
    with deps.db.session() as session:
        return ranking(session, config, T, award(criterion, **extra), NOV, bounds)


def test_composite_award_follows_kpi_ranking_and_breaks_a_tie_by_who_got_there_first(world, deps):
    _, config = world
    found = ranked(deps, config, "composite")
    names = [c.slack_id for c in found]
    assert names[0] == "UALICE"
    assert found[0].composite == pytest.approx(ALICE_NOV)
    # bob and dave tie on every figure; bob's last fact (Nov 11) came before dave's (Nov 12)
    assert names.index("UBOB") == names.index("UDAVE") - 1
    assert found[names.index("UBOB")].composite == pytest.approx(BOB_NOV)
    assert "UFRANK" not in names  # deactivated
    assert "UGINA" not in names  # no KPI data
    # the same numbers /kpi ranks with
    with deps.db.session() as session:
        board = {s.slack_id: s for s in leaderboard(session, config, T, NOV)}
    for c in found:
        assert (c.composite, c.company_rank, c.team_rank) == (
            board[c.slack_id].composite,
            board[c.slack_id].company_rank,
            board[c.slack_id].team_rank,
        )


def test_a_team_award_ranks_that_team_only(world, deps):
    _, config = world
    found = ranked(deps, config, "composite", team="west")
    assert [c.slack_id for c in found] == ["UCAROL"]
    assert found[0].composite == pytest.approx(CAROL_NOV)


def test_metric_award_ties_broken_by_the_next_weighted_metric(world, deps):
    _, config = world
    found = ranked(deps, config, "metric:revenue")
    # alice 180,001 first; bob, dave and erin all 100,000: erin's csat (4 of 4.5) beats
    # bob's and dave's (3); bob beats dave by reaching it first; carol 50,000 last
    assert [c.slack_id for c in found] == ["UALICE", "UERIN", "UBOB", "UDAVE", "UCAROL"]
    assert found[0].actual == "180001"
    assert found[1].actual == "100000"


def test_lower_is_better_metric_award_picks_the_lowest(world, deps):
    _, config = world
    found = ranked(deps, config, "metric:response_hours")
    # alice averages 3 hours, bob and dave 8 (bob reached it first); nobody else has data
    assert [(c.slack_id, c.actual) for c in found] == [
        ("UALICE", "3.0"),
        ("UBOB", "8.0"),
        ("UDAVE", "8.0"),
    ]


def test_kudos_award_counts_live_kudos_of_people_with_kpi_data(world, deps):
    people, config = world

    def praise(giver, *to, withdrawn=False):
        with deps.db.session() as session:
            k = Kudos(
                team_id=T,
                giver_id=giver.id,
                message="thanks",
                created_at=utcnow().replace(year=2026, month=11, day=10),
            )
            if withdrawn:
                k.withdrawn_at = utcnow()
            session.add(k)
            session.flush()
            for user in to:
                session.add(KudosRecipient(team_id=T, kudos_id=k.id, user_id=user.id))

    praise(people["alice"], people["bob"], people["gina"])
    praise(people["carol"], people["bob"], people["gina"])
    praise(people["alice"], people["gina"])
    praise(people["bob"], people["carol"], withdrawn=True)
    found = ranked(deps, config, "kudos")
    # gina has 3 kudos but no KPI data; carol's one kudos was withdrawn
    assert [(c.slack_id, c.kudos) for c in found] == [("UBOB", 2)]


def test_month_candidates_rank_every_award_as_ranking_does(world, deps):
    """The month is read once for all awards: each award still gets what `ranking` gives."""
    people, base = world
    with deps.db.session() as session:
        k = Kudos(team_id=T, giver_id=people["alice"].id, message="thanks",
                  created_at=utcnow().replace(year=2026, month=11, day=10))  # fmt: skip
        session.add(k)
        session.flush()
        for user in (people["bob"], people["carol"]):
            session.add(KudosRecipient(team_id=T, kudos_id=k.id, user_id=user.id))
    kinds = [("composite", None), ("composite", "west"), ("metric:revenue", None),
             ("metric:response_hours", "east"), ("kudos", None), ("kudos", "west")]  # fmt: skip
    awards = [
        {"key": f"a{n}", "name_en": f"A{n}", "name_zh": "奖", "criterion": c, "team": team}
        for n, (c, team) in enumerate(kinds)
    ]
    config = AppConfig.model_validate({**base.model_dump(), "awards": awards})
    bounds = NOV.bounds("Asia/Shanghai")
    with deps.db.session() as session:
        found = month_candidates(session, config, T, NOV, bounds)
        each = {
            a.key: [c.to_json() for c in ranking(session, config, T, a, NOV, bounds)[:KEEP]]
            for a in config.awards
        }
    assert found == each
    assert [c["slack_id"] for c in found["a1"]] == ["UCAROL"]
    assert [c["slack_id"] for c in found["a5"]] == ["UCAROL"]
    assert [c["slack_id"] for c in found["a4"]] == ["UBOB", "UCAROL"]


def test_no_data_means_no_candidates(org, deps):
    org.standard()
    config = kpi_config(deps.config)
    assert ranked(deps, config, "composite") == []
    with deps.db.session() as session:
        assert session.exec(select(User)).first() is not None
