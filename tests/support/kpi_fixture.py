"""Known KPI facts and targets for the scorecard tests, with their expected results worked
out by hand in the comments (November 2026 has 21 working days)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.core.config import AppConfig
from bot.core.periods import keys_of
from bot.kpi.validation import FactRow
from bot.kpi.writer import write_facts
from storage.db import Database
from storage.models.core import User
from storage.models.kpi import KpiTarget

TODAY = date(2026, 11, 26)

# Every aggregate and one lower-is-better metric.
METRICS = [
    {"key": "revenue", "label_en": "Revenue", "label_zh": "销售额", "unit": "CNY",
     "aggregate": "sum", "weight": 0.4},
    {"key": "csat", "label_en": "Customer satisfaction", "label_zh": "客户满意度",
     "unit": "score", "aggregate": "avg", "weight": 0.2},
    {"key": "deal", "label_en": "Biggest deal", "label_zh": "最大单笔", "unit": "CNY",
     "aggregate": "max", "weight": 0.1},
    {"key": "pipeline", "label_en": "Pipeline", "label_zh": "商机金额", "unit": "CNY",
     "aggregate": "last", "weight": 0.1},
    {"key": "response_hours", "label_en": "Response time (h)", "label_zh": "响应时间(小时)",
     "unit": "count", "aggregate": "avg", "higher_is_better": False, "weight": 0.2},
]  # fmt: skip


def kpi_config(base: AppConfig) -> AppConfig:
    return AppConfig.model_validate({**base.model_dump(), "metrics": METRICS})


FACTS = [
    # alice, November: revenue 180,000.5 (shown 180,001: 0 decimals) of her own 200,000
    # -> 90.0005%
    ("alice", "2026-11-02", "revenue", "120000", "crm-1"),
    ("alice", "2026-11-10", "revenue", "60000.5", "crm-2"),
    # csat avg (4 + 5 + 4.5) / 3 = 4.5 of 4.5 -> 100%
    ("alice", "2026-11-02", "csat", "4", None),
    ("alice", "2026-11-03", "csat", "5", None),
    ("alice", "2026-11-16", "csat", "4.5", None),
    # deal max 80,000 of 50,000 -> 160%, capped at 150% in the composite
    ("alice", "2026-11-04", "deal", "30000", None),
    ("alice", "2026-11-12", "deal", "80000", None),
    # pipeline last (by day, not by input order): 270,000 of 300,000 -> 90%
    ("alice", "2026-11-03", "pipeline", "100000", None),
    ("alice", "2026-11-20", "pipeline", "270000", None),
    ("alice", "2026-11-05", "pipeline", "500000", None),
    # response hours avg 3 against 4, lower is better -> 4/3 = 133.33%
    ("alice", "2026-11-06", "response_hours", "2", None),
    ("alice", "2026-11-18", "response_hours", "4", None),
    # alice, October: revenue 90,000 of 100,000 -> composite 90% (only revenue has a target)
    ("alice", "2026-10-15", "revenue", "90000", None),
    # bob, November: revenue 100,000 of team 100,000 -> 100%; csat 3 of 4.5 -> 66.67%;
    # no deal, no pipeline -> 0; response 8 of 4 -> 50%
    ("bob", "2026-11-05", "revenue", "100000", None),
    ("bob", "2026-11-11", "csat", "3", None),
    ("bob", "2026-11-09", "response_hours", "8", None),
    # carol (west), November: revenue 50,000 of 100,000 -> 50%; west only targets revenue
    ("carol", "2026-11-09", "revenue", "50000", None),
]

TARGETS = [
    ("2026-11", "team:east", "revenue", 100000),
    ("2026-11", "alice", "revenue", 200000),  # her own target wins over the team's
    ("2026-11", "team:east", "csat", Decimal("4.5")),
    ("2026-11", "team:east", "deal", 50000),
    ("2026-11", "team:east", "pipeline", 300000),
    ("2026-11", "team:east", "response_hours", 4),
    ("2026-11", "team:west", "revenue", 100000),
    ("2026-10", "alice", "revenue", 100000),
    ("2026-W46", "bob", "revenue", 10000),  # an explicit week target
    ("2026-Q4", "alice", "revenue", 600000),
    ("2026", "team:east", "revenue", 1000000),
]

# November composites: weights 0.4 / 0.2 / 0.1 / 0.1 / 0.2
ALICE_NOV = 0.4 * 0.900005 + 0.2 * 1 + 0.1 * 1.5 + 0.1 * 0.9 + 0.2 * (4 / 3)
BOB_NOV = 0.4 * 1 + 0.2 * (3 / 4.5) + 0 + 0 + 0.2 * 0.5
CAROL_NOV = 0.5


def load(db: Database, team_id: str, people: dict[str, User]) -> None:
    rows = []
    for line, (who, day, metric, value, ref) in enumerate(FACTS, start=2):
        d = date.fromisoformat(day)
        micro = int(Decimal(value) * 1_000_000)
        rows.append(FactRow(line, people[who].id, metric, d, micro, ref, keys_of(d)))  # type: ignore[arg-type]
    with db.session() as session:
        write_facts(session, team_id, rows)
        for period, scope, metric, target in TARGETS:
            if scope.startswith("team:"):
                user_id, team = None, scope[5:]
            else:
                user_id, team = people[scope].id, None
            session.add(
                KpiTarget(
                    team_id=team_id,
                    period=period,
                    user_id=user_id,
                    sales_team=team,
                    metric=metric,
                    target=int(Decimal(target) * 1_000_000),
                )
            )
