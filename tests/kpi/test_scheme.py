"""The KPI scheme in the open: versions recorded once with their differences, a past period
keeps the scheme in force at its end (/kpi, leaderboard, export), `/kpi scheme` for everyone
and its history for HR, and each change announced once with the weekly digest."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from bot.core.periods import keys_of, parse_key
from bot.features import find_job
from bot.kpi import scheme, scorecard
from bot.kpi.export import rows
from bot.kpi.validation import FactRow
from bot.kpi.writer import write_facts
from storage.models.core import Delivery
from storage.models.kpi import KpiConfigVersion, KpiTarget
from tests.support.kpi_fixture import ALICE_NOV, kpi_config, load
from tests.support.slack import all_text, reply_to

FIRST = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)
CHANGED = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday of week 48, 10:00 in Shanghai
NOW = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # the digest of week 48

# October: alice's revenue 90,000 of 100,000 (90%) and, added here, csat 3 of 4.5 (66.67%)
OCT_OLD = (0.4 * 0.9 + 0.2 * (3 / 4.5)) / 0.6  # 82.2%
OCT_NEW = (0.8 * 0.9 + 0.2 * (3 / 4.5)) / 1.0  # 85.3%
NOV_NEW = (
    0.8 * 0.900005 + 0.2 * 1 + 0.1 * 1.5 + 0.1 * 0.9 + 0.2 * (4 / 3)
) / 1.4  # revenue's weight 0.4 -> 0.8


def reweighted(config):
    metrics = [
        m.model_copy(update={"weight": 0.8}) if m.key == "revenue" else m for m in config.metrics
    ]
    return config.model_copy(update={"metrics": metrics})


@pytest.fixture
def people(org, deps):
    people = org.standard()
    old = kpi_config(deps.config)
    deps.clock = lambda: NOW
    load(deps.db, org.team_id, people)
    with deps.db.session() as s:
        day = date(2026, 10, 20)
        row = FactRow(2, people["alice"].id, "csat", day, 3_000_000, None, keys_of(day))
        write_facts(s, org.team_id, [row])
        s.add(KpiTarget(team_id=org.team_id, period="2026-10", user_id=people["alice"].id,
                        metric="csat", target=4_500_000))  # fmt: skip
    with deps.db.session() as s:
        assert scorecard.record_metric_config(s, org.team_id, old, now=FIRST)
    deps.config = reweighted(old)  # the bot restarts with revenue's weight doubled
    with deps.db.session() as s:
        assert scorecard.record_metric_config(s, org.team_id, deps.config, now=CHANGED)
    return people


def ask(slack, fake, user, text, n=1):
    slack.command(user, "/kpi", text)
    return all_text(reply_to(fake, user, n)[n - 1])


def composite(deps, org, who, key):
    with deps.db.session() as s:
        return scorecard.composites(s, deps.config, org.team_id, parse_key(key), [who.id])[who.id]


def test_the_history_is_data_with_the_differences(deps, org, people):
    with deps.db.session() as s:
        first, second = scheme.history(s, org.team_id)
    assert first.diff is None and first.seen_at == FIRST
    assert second.seen_at == CHANGED and second.digest == scheme.metric_config_digest(deps.config)
    assert second.diff.added == [] and second.diff.removed == []
    assert second.diff.changed == [scheme.FieldChange("revenue", "weight", 0.4, 0.8)]
    # a metric removed, one added, a direction and a unit changed
    data = deps.config.model_dump()
    data["metrics"] = [m for m in data["metrics"] if m["key"] != "deal"]
    data["metrics"][0].update(unit="USD")
    data["metrics"][-1].update(higher_is_better=True)
    data["metrics"].append({"key": "calls", "label_en": "Calls", "label_zh": "电话数"})
    third = type(deps.config).model_validate(data)
    with deps.db.session() as s:
        assert scorecard.record_metric_config(s, org.team_id, third)
    with deps.db.session() as s:
        assert not scorecard.record_metric_config(s, org.team_id, third)  # unchanged: once
        last = scheme.history(s, org.team_id)[-1]
    assert [m.key for m in last.diff.added] == ["calls"]
    assert [m.key for m in last.diff.removed] == ["deal"]
    assert last.diff.changed == [
        scheme.FieldChange("revenue", "unit", "CNY", "USD"),
        scheme.FieldChange("response_hours", "higher_is_better", False, True),
    ]


def test_an_old_month_keeps_its_scheme_the_current_one_uses_the_new(deps, org, people, slack, fake):
    alice = people["alice"]
    assert composite(deps, org, alice, "2026-10") == pytest.approx(OCT_OLD)
    assert composite(deps, org, alice, "2026-11") == pytest.approx(NOV_NEW)
    assert pytest.approx(ALICE_NOV) != NOV_NEW and pytest.approx(OCT_OLD) != OCT_NEW
    old = ask(slack, fake, "UALICE", "2026-10")
    assert "*Composite score: 82.2%*" in old
    assert (
        "Scored with the KPI scheme of Sep 1, 2026 (weights then: Revenue 40%, Customer "
        "satisfaction 20%, Biggest deal 10%, Pipeline 10%, Response time (h) 20%)." in old
    )
    now = ask(slack, fake, "UALICE", "", 2)
    assert "*Composite score: 101.9%*" in now and "Scored with" not in now
    # the leaderboard and the export agree with /kpi
    october = parse_key("2026-10")
    with deps.db.session() as s:
        [board] = scorecard.leaderboard(s, deps.config, org.team_id, october, members=[alice.id])
        exported = {r[0]: r for r in rows(s, deps.config, org.team_id, october, "en-US")}
    assert board.composite == pytest.approx(OCT_OLD)
    assert exported["UALICE"][-3] == Decimal("0.822")
    team = ask(slack, fake, "UEMGR", "team 2026-10")
    assert "82.2%" in team and "Scored with the KPI scheme of Sep 1, 2026" in team
    assert "Scored with" not in ask(slack, fake, "UEMGR", "team", 2)
    zh = ask(slack, fake, "UXW", "2026-W47")  # the week before the change
    assert "按 2026年9月1日 的考核方案计分（当时的权重：销售额 40%、客户满意度 20%" in zh


def test_a_period_before_the_first_version_uses_the_earliest(deps, org, people):
    with deps.db.session() as s:
        s.exec(select(KpiConfigVersion)).all()
        for row in s.exec(select(KpiConfigVersion)).all():
            row.seen_at = row.seen_at + timedelta(days=60)  # first seen Oct 31, changed Jan 23
            s.add(row)
    assert composite(deps, org, people["alice"], "2026-10") == pytest.approx(OCT_OLD)
    assert composite(deps, org, people["alice"], "2026-11") == pytest.approx(ALICE_NOV)


def test_two_replicas_starting_together_record_once(deps, org, people):
    third = reweighted(deps.config).model_copy()
    third.metrics[1] = third.metrics[1].model_copy(update={"weight": 0.5})
    barrier = threading.Barrier(4)
    results: list[object] = []

    def start() -> None:
        barrier.wait()
        try:
            with deps.db.session() as s:
                results.append(scorecard.record_metric_config(s, org.team_id, third))
        except Exception as exc:  # pragma: no cover - shown by the assertion
            results.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results, key=str) == [False, False, False, True]
    with deps.db.session() as s:
        assert len(s.exec(select(KpiConfigVersion)).all()) == 3


def test_kpi_scheme_for_everyone_and_the_history_for_hr(deps, slack, fake, people):
    text = ask(slack, fake, "UALICE", "scheme")
    assert "KPI scheme" in text
    assert "*Revenue* · weight 57% · higher is better · unit `CNY`" in text
    assert "*Response time (h)* · weight 14% · lower is better · unit `count`" in text
    assert "*Last changed Nov 24, 2026:*" in text
    assert "• Revenue: weight 40% → 57%" in text
    assert "• Customer satisfaction: weight 20% → 14% (other weights changed)" in text
    assert "Every version" not in text and "First recorded." not in text
    hr = ask(slack, fake, "UHR", "scheme")
    assert "*Every version (newest first)*" in hr
    assert hr.index("*Nov 24, 2026*") < hr.index("*Sep 1, 2026*")
    assert "First recorded." in hr
    zh = ask(slack, fake, "UXW", "方案")
    assert "考核方案" in zh and "*销售额* · 权重 57% · 越高越好 · 单位 `CNY`" in zh
    assert "*最近一次调整：2026年11月24日*" in zh and "• 销售额：权重 40% → 57%" in zh
    assert "`/kpi scheme`" in ask(slack, fake, "UALICE", "help", 2)


def test_a_change_is_announced_once_to_every_rep_and_manager(deps, fake, people):
    deps.clock = lambda: MONDAY
    digest = find_job("weekly-digest").func
    digest(deps, MONDAY)
    digest(deps, MONDAY + timedelta(days=7))  # the next week's digest says nothing more
    for rep in ("UALICE", "UBOB", "UCAROL"):
        [dm] = [all_text(c.params) for c in fake.dms_to(rep)]
        assert "*The KPI scheme changed on Nov 24, 2026:*" in dm
        assert "• Revenue: weight 40% → 57%" in dm
    for manager in ("UEMGR", "UWMGR", "UDIR"):
        [dm] = [all_text(c.params) for c in fake.dms_to(manager)]
        assert "The KPI scheme changed on Nov 24, 2026" in dm and "weight 40% → 57%" in dm
    [xw] = [all_text(c.params) for c in fake.dms_to("UXW")]
    assert "*考核方案已于 2026年11月24日 调整：*" in xw and "销售额：权重 40% → 57%" in xw
    assert fake.dms_to("UHR") == []
    assert fake.violations == []
    with deps.db.session() as s:
        version = scheme.history(s, deps.team_id)[-1]
        keys = sorted(d.key for d in s.exec(select(Delivery)) if d.key.startswith("scheme"))
    assert keys == [f"scheme-change:{version.id}:{u}" for u in ("UDIR", "UEMGR", "UWMGR")]


def test_a_fact_written_into_an_old_month_is_ranked_under_its_scheme(deps, org, people):
    october = parse_key("2026-10")
    alice = people["alice"]
    with deps.db.session() as s:
        scorecard.leaderboard(s, deps.config, org.team_id, october)  # stored ranking
    day = date(2026, 10, 21)
    with deps.db.session() as s:  # revenue 90,000 -> 100,000: 100% (re-ranked in place)
        row = FactRow(2, alice.id, "revenue", day, 10_000_000_000, "late", keys_of(day))
        write_facts(s, org.team_id, [row])
    expected = (0.4 * 1 + 0.2 * (3 / 4.5)) / 0.6
    with deps.db.session() as s:
        [board] = scorecard.leaderboard(s, deps.config, org.team_id, october, members=[alice.id])
    assert board.composite == pytest.approx(expected)
    assert composite(deps, org, alice, "2026-10") == pytest.approx(expected)


def test_the_history_fits_in_fifty_blocks(deps, org, people, slack, fake):
    config = deps.config
    for i in range(60):
        metrics = [m.model_copy(update={"weight": 1 + i}) if m.key == "deal" else m
                   for m in config.metrics]  # fmt: skip
        with deps.db.session() as s:
            version = config.model_copy(update={"metrics": metrics})
            scorecard.record_metric_config(s, org.team_id, version, CHANGED + timedelta(hours=i))
    slack.command("UHR", "/kpi", "scheme")
    [reply] = reply_to(fake, "UHR", 1)
    assert len(reply["blocks"]) <= 50
    assert "older versions are not shown" in all_text(reply)
