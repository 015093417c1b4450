"""The scorecard's numbers against the hand-worked fixture, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlmodel import Session

from bot.core.periods import parse_key
from bot.kpi import scorecard
from tests.conftest import TEAM
from tests.support.kpi_fixture import ALICE_NOV, BOB_NOV, CAROL_NOV, kpi_config, load

T = "T0001"


@pytest.fixture
def kpi(org, deps):
    people = org.standard()
    config = kpi_config(deps.config)
    load(deps.db, T, people)
    return people, config


def card(deps, config, user, key):
    with deps.db.session() as s:
        return scorecard.scorecard(s, config, T, user, parse_key(key))


def by_key(card_):
    return {m.metric.key: m for m in card_.metrics}


def test_month_actuals_targets_attainment_for_every_aggregate(kpi, deps):
    people, config = kpi
    sc = card(deps, config, people["alice"], "2026-11")
    m = by_key(sc)
    # 180,000.5 is shown (and attained) as 180,001: money has 0 decimals by default
    assert m["revenue"].actual == Decimal("180001")
    assert m["revenue"].target == Decimal("200000")  # her own target, not the team's
    assert m["revenue"].attainment == Decimal("0.900005")
    assert m["csat"].actual == Decimal("4.5")
    assert m["csat"].attainment == Decimal(1)
    assert m["deal"].actual == Decimal("80000")
    assert m["deal"].attainment == Decimal("1.6")
    assert m["pipeline"].actual == Decimal("270000")  # last by day, not by input order
    assert m["pipeline"].attainment == Decimal("0.9")
    assert m["response_hours"].actual == Decimal(3)
    assert m["response_hours"].attainment == Decimal(4) / Decimal(3)  # lower is better
    assert sc.composite == pytest.approx(ALICE_NOV)


def test_ranks_in_team_and_company(kpi, deps):
    _, config = kpi
    with deps.db.session() as s:
        board = scorecard.leaderboard(s, config, T, parse_key("2026-11"))
    assert [b.slack_id for b in board] == ["UALICE", "UBOB", "UCAROL", "UXW"]
    ranks = {b.slack_id: (b.company_rank, b.team_rank, b.team_size) for b in board}
    assert ranks == {
        "UALICE": (1, 1, 3),
        "UBOB": (2, 2, 3),
        "UCAROL": (3, 1, 1),
        "UXW": (4, 3, 3),  # a rep with targets and no facts scores 0, still ranked
    }
    assert board[0].company_size == 4
    scores = {b.slack_id: b.composite for b in board}
    assert scores["UBOB"] == pytest.approx(BOB_NOV)
    assert scores["UCAROL"] == pytest.approx(CAROL_NOV)
    assert scores["UXW"] == 0
    # managers and HR inherit no team target, so they are not ranked
    assert "UEMGR" not in scores


def test_change_against_previous_month(kpi, deps):
    people, config = kpi
    sc = card(deps, config, people["alice"], "2026-11")
    assert sc.previous_composite == pytest.approx(0.9)
    assert sc.composite_change == pytest.approx(ALICE_NOV - 0.9)
    assert by_key(sc)["revenue"].previous == Decimal(90000)
    assert by_key(sc)["revenue"].change == Decimal("90001")
    assert by_key(sc)["csat"].previous is None


def test_week_target_prorated_from_month_by_working_days(kpi, deps):
    people, config = kpi
    sc = card(deps, config, people["alice"], "2026-W46")  # Nov 9-15: 5 of 21 working days
    m = by_key(sc)
    assert m["revenue"].actual == Decimal("60001")
    assert m["revenue"].target == Decimal("47619")  # 200,000 x 5 / 21, to the yuan
    assert m["csat"].target == Decimal("4.5")  # an average's target is not prorated
    expected = (
        0.4 * (60001 / 47619)  # 126%, from the shown figures
        + 0.2 * 0  # no csat facts that week
        + 0.1 * 1.5  # deal 80,000 of 50,000, capped
        + 0.1 * 0  # no pipeline fact that week
        + 0.2 * 0  # no response facts that week
    )
    assert sc.composite == pytest.approx(expected)
    # bob has an explicit week target: it wins over the prorated month
    bob = by_key(card(deps, config, people["bob"], "2026-W46"))
    assert bob["revenue"].target == Decimal(10000)
    # previous week (W45, Nov 2-8) for the change
    assert m["revenue"].previous == Decimal(120000)


def test_quarter_and_year(kpi, deps):
    people, config = kpi
    q = card(deps, config, people["alice"], "2026-Q4")
    assert by_key(q)["revenue"].actual == Decimal("270001")
    assert by_key(q)["revenue"].attainment == Decimal("270001") / 600000
    assert q.composite == pytest.approx(270001 / 600000)
    assert q.standing.company_rank == 1 and q.standing.company_size == 1
    y = card(deps, config, people["alice"], "2026")
    assert by_key(y)["revenue"].target == Decimal(1000000)  # the team's year target
    assert y.composite == pytest.approx(0.270001)
    bob_year = card(deps, config, people["bob"], "2026")
    assert bob_year.composite == pytest.approx(0.1)
    assert y.standing.team_rank == 1 and bob_year.standing.team_rank == 2


def test_weights_are_read_at_query_time(kpi, deps):
    people, config = kpi
    data = config.model_dump()
    for metric in data["metrics"]:
        metric["weight"] = 1.0 if metric["key"] == "revenue" else 0.0
    only_revenue = type(config).model_validate(data)
    sc = card(deps, only_revenue, people["alice"], "2026-11")
    assert sc.composite == pytest.approx(0.900005)


def test_trend_and_team_attainment(kpi, deps):
    people, config = kpi
    with deps.db.session() as s:
        points = scorecard.trend(s, config, T, people["alice"], parse_key("2026-11"), 6)
        team = scorecard.team_attainment(
            s,
            config,
            T,
            parse_key("2026-11"),
            [people["alice"].id, people["bob"].id, people["xiaowang"].id],
        )
    assert [p.key for p, _ in points] == [
        "2026-06",
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
        "2026-11",
    ]
    assert points[-2][1] == pytest.approx(0.9) and points[0][1] is None
    # revenue: (180,001 + 100,000 + 0) / (200,000 + 100,000 + 100,000), shown figures
    assert team["revenue"] == Decimal("280001") / Decimal(400000)
    # csat: mean attainment (1 + 0.6667 + 0) / 3
    assert team["csat"] == pytest.approx(Decimal(5) / 9)


def test_config_change_is_recorded(deps, kpi):
    _, config = kpi
    with deps.db.session() as s:
        assert scorecard.record_metric_config(s, "T0001", config) is True
    with deps.db.session() as s:
        assert scorecard.record_metric_config(s, "T0001", config) is False
    data = config.model_dump()
    data["metrics"][0]["weight"] = 0.9
    with deps.db.session() as s:
        assert scorecard.record_metric_config(s, "T0001", type(config).model_validate(data)) is True


def _board(deps, config, key):
    with deps.db.session() as s:
        return [
            (b.slack_id, round(b.composite, 9), b.team_rank, b.team_size, b.company_rank)
            for b in scorecard.leaderboard(s, config, T, parse_key(key))
        ]


@pytest.mark.parametrize("with_config", [True, False])
def test_stored_rankings_follow_fact_writes(kpi, deps, with_config):
    from datetime import date

    from bot.core.periods import keys_of
    from bot.kpi.store import invalidate_scores
    from bot.kpi.validation import FactRow
    from bot.kpi.writer import write_facts

    people, config = kpi
    keys = ("2026-11", "2026-W47", "2026-Q4", "2026")
    before = {key: _board(deps, config, key) for key in keys}  # stored now
    day = date(2026, 11, 17)
    row = FactRow(2, people["bob"].id, "revenue", day, 900_000 * 10**6, None, keys_of(day))
    with deps.db.session() as s:
        write_facts(s, T, [row], config=config if with_config else None)
    after = {key: _board(deps, config, key) for key in keys}  # updated in place / recomputed
    with deps.db.session() as s:
        invalidate_scores(s.connection(), T, None)
    fresh = {key: _board(deps, config, key) for key in keys}  # from scratch
    assert after == fresh
    bob = {b[0]: b[1] for b in after["2026-11"]}["UBOB"]
    assert bob == pytest.approx(BOB_NOV + 0.4 * 0.5)  # revenue capped at 150%
    assert before["2026-11"] != after["2026-11"]


def test_target_import_and_directory_changes_refresh_rankings(kpi, deps, tmp_path):
    from bot.kpi.targets import import_targets
    from storage.models.core import User

    people, config = kpi
    assert _board(deps, config, "2026-11")[0][0] == "UALICE"
    path = tmp_path / "t.csv"
    path.write_text("period,scope,metric,target\n2026-11,UALICE,revenue,10000000\n")
    with deps.db.session() as s:
        assert import_targets(s, T, config, path).ok
    alice = dict((b[0], b[1]) for b in _board(deps, config, "2026-11"))["UALICE"]
    assert alice == pytest.approx(ALICE_NOV - 0.4 * (0.900005 - 0.0180001))
    with deps.db.session() as s:  # carol moves to east: team ranks change
        carol = s.get(User, people["carol"].id)
        carol.team = "east"
        carol.updated_at = carol.updated_at.replace(year=2027)
        s.add(carol)
    board = _board(deps, config, "2026-11")
    assert [b[3] for b in board if b[0] == "UCAROL"] == [4]


def test_losing_the_race_to_store_a_ranking_leaves_the_transaction_usable(kpi, deps):
    """Two requests rank the same period at once: the one that loses the INSERT race keeps
    working (on PostgreSQL the failed INSERT used to abort the caller's whole transaction,
    because the savepoint was opened on the session while the statements ran on a connection
    fetched before it, so the next query in that Home publish crashed)."""
    _, config = kpi
    period = parse_key("2026-11")
    first = deps.db.engine.connect()  # holds the winning, uncommitted ranking
    winner = Session(bind=first)
    scorecard.ranked(winner, config, T, period)
    result: dict[str, object] = {}

    def loser() -> None:
        try:
            with deps.db.session() as s:
                scorecard.ranked(s, config, T, period)  # blocks until the winner commits
                result["rows"] = s.connection().execute(text("SELECT COUNT(*) FROM users")).scalar()
        except Exception as exc:  # the assertion below names it
            result["error"] = exc

    thread = threading.Thread(target=loser)
    thread.start()
    thread.join(0.5)
    winner.commit()
    winner.close()
    first.close()
    thread.join(30)
    assert "error" not in result, result.get("error")
    assert result["rows"]


def test_a_directory_change_alone_moves_the_stored_ranking(kpi, deps):
    """Stored rankings key on the directory's MAX(updated_at): any change to a person moves
    it (onupdate), so a plain ORM edit of a team can't leave a stale ranking behind."""
    from storage.models.core import User

    people, config = kpi
    period = parse_key("2026-11")
    with deps.db.session() as s:
        before = {b.slack_id: b.team for b in scorecard.leaderboard(s, config, T, period)}
    assert before["UBOB"] == "east"
    with deps.db.session() as s:
        bob = s.get(User, people["bob"].id)
        bob.team = "west"  # updated_at not touched by hand
        s.add(bob)
    with deps.db.session() as s:
        board = {b.slack_id: b for b in scorecard.leaderboard(s, config, T, period)}
    assert board["UBOB"].team == "west"
    assert board["UCAROL"].team_size == 2


def test_one_metric_config_digest_for_rankings_and_the_config_history(deps):
    from sqlmodel import select

    from bot.kpi.ranking import metric_config_digest
    from storage.models.kpi import KpiConfigVersion
    from tests.support.kpi_fixture import kpi_config

    config = kpi_config(deps.config)
    reweighted = config.model_copy(
        update={"metrics": [m.model_copy(update={"weight": m.weight + 1}) for m in config.metrics]}
    )
    assert metric_config_digest(config) == metric_config_digest(config.model_copy())
    assert metric_config_digest(config) != metric_config_digest(reweighted)
    with deps.db.session() as s:
        assert scorecard.record_metric_config(s, TEAM, config)
    with deps.db.session() as s:
        stored = s.exec(select(KpiConfigVersion.digest)).all()
    assert stored == [metric_config_digest(config)]


@pytest.mark.parametrize("key", ["2026-11", "2026-W47"])
def test_scorecards_of_many_equal_each_ones_scorecard(kpi, deps, monkeypatch, key):
    """The digest's batch (everyone of the period scored at once) gives each person exactly
    the scorecard /kpi shows them: figures, targets, previous span, rank and composite."""
    from datetime import date

    people, config = kpi
    users = list(people.values())
    period, today = parse_key(key), date(2026, 11, 20)
    with deps.db.session() as s:
        one_by_one = {u.id: scorecard.scorecard(s, config, T, u, period, today) for u in users}
        monkeypatch.setattr(scorecard, "EVERYONE_FROM", 0)  # the path for many people
        batch = scorecard.scorecards(s, config, T, users, period, today)
    assert set(batch) == set(one_by_one) == {u.id for u in users}
    assert batch == one_by_one
    ranked = [c for c in batch.values() if c.standing is not None]
    assert len(ranked) >= 3  # the comparison covers ranked people, not only empty cards
