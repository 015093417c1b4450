"""Known KPI numbers and a config with a training catalog for the development plan and
suggestion tests (November 2026; the expected suggestions worked out in the comments)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from bot.core.periods import keys_of
from bot.kpi.validation import FactRow
from bot.kpi.writer import write_facts
from storage.models.kpi import KpiTarget
from tests.conftest import TEAM, TEST_CONFIG

METRICS = [
    {"key": "revenue", "label_en": "Revenue", "label_zh": "销售额", "unit": "CNY",
     "aggregate": "sum", "weight": 0.5},
    {"key": "conversion_rate", "label_en": "Conversion rate", "label_zh": "转化率",
     "unit": "%", "aggregate": "avg", "weight": 0.3},
    {"key": "discount_rate", "label_en": "Discount rate", "label_zh": "折扣率", "unit": "%",
     "aggregate": "avg", "higher_is_better": False, "weight": 0.2},
]  # fmt: skip
TRAINING = [
    {"key": "negotiation", "title_en": "Negotiation and closing", "title_zh": "商务谈判与成交技巧",
     "metrics": ["conversion_rate", "revenue"], "url": "https://learn.example.com/negotiation"},
    {"key": "pricing", "title_en": "Pricing without discounts", "title_zh": "不靠折扣的定价",
     "metrics": ["discount_rate"]},
]  # fmt: skip
CONFIG = {**TEST_CONFIG, "metrics": METRICS, "training": TRAINING}

# November 2026 (targets per person):
#   alice: revenue 95,000 of 100,000 -> 95% (strong); conversion (6 + 6) / 2 = 6 of 10 -> 60%
#          (weak); discount 20 against 10, lower is better -> 10/20 = 50% (weak)
#   xiaowang: conversion 7 of 10 -> 70% (weak, Chinese)
#   carol: revenue 50,000 of 100,000 -> 50% (weak); bob: targets, no facts (not judged)
#   eric (a manager with targets): conversion 9 of 10 -> 90% (strong)
FACTS = [
    ("alice", "2026-11-03", "revenue", "95000"),
    ("alice", "2026-11-04", "conversion_rate", "5"),
    ("alice", "2026-11-18", "conversion_rate", "7"),
    ("alice", "2026-11-05", "discount_rate", "20"),
    ("xiaowang", "2026-11-09", "conversion_rate", "7"),
    ("carol", "2026-11-10", "revenue", "50000"),
    ("east_mgr", "2026-11-10", "conversion_rate", "9"),
    # September (a quarterly cycle over Q3): alice's revenue 30,000 of 90,000 -> 33%
    ("alice", "2026-09-10", "revenue", "30000"),
]
TARGETS = [
    ("2026-11", who, metric, value)
    for who in ("alice", "xiaowang", "bob", "east_mgr")
    for metric, value in (("revenue", 100000), ("conversion_rate", 10), ("discount_rate", 10))
] + [("2026-11", "carol", "revenue", 100000), ("2026-Q3", "alice", "revenue", 90000)]

MONTH_END = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai


def load(db, people) -> None:
    rows = []
    for line, (who, day, metric, value) in enumerate(FACTS, start=2):
        d = date.fromisoformat(day)
        micro = int(Decimal(value) * 1_000_000)
        rows.append(FactRow(line, people[who].id, metric, d, micro, None, keys_of(d)))
    with db.session() as session:
        write_facts(session, TEAM, rows)
        for period, who, metric, value in TARGETS:
            session.add(
                KpiTarget(
                    team_id=TEAM,
                    period=period,
                    user_id=people[who].id,
                    metric=metric,
                    target=int(Decimal(value) * 1_000_000),
                )
            )
