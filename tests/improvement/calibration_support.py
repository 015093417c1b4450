"""A quarter with known attainments for the calibration tests: ten reps in two teams, Q3 2026
team targets, one fact per rep and metric, worked out by hand below.

calls (sum, target 100): one too easy
  east  r1 200 r2 150 r3 160 r4 170 r5 100 -> 2.0 1.5 1.6 1.7 1.0   median 1.6
  west  r6 155 r7 40  r8 90  r9 120 r10 150 -> 1.55 0.4 0.9 1.2 1.5 median 1.2
  >= 100%: 8 of 10; at the cap: 6 of 10 (60% > 50%: too easy); median (1.5 + 1.5) / 2
  = 150.0%; spread East 160.0% - West 120.0% = 40.0 pts
revenue (sum, CNY, target 100,000): one too hard (r5 has no revenue fact: 0%)
  east  95,000 50,000 80,000 60,000 - -> .95 .5 .8 .6 0   median 0.6
  west  30,000 99,000 70,000 45,000 85,000 -> .3 .99 .7 .45 .85 median 0.7
  >= 100%: 0 of 10 (too hard); at the cap 0; median (0.6 + 0.7) / 2 = 65.0%; spread
  West 70.0% - East 60.0% = 10.0 pts
csat (avg, score, target 4.0): fine
  east  4.4 3.6 4.0 3.2 4.8 -> 1.1 0.9 1.0 0.8 1.2    median 1.0
  west  4.2 3.8 4.0 4.4 5.2 -> 1.05 0.95 1.0 1.1 1.3 median 1.05
  >= 100%: 7 of 10; at the cap 0; median (1.0 + 1.05) / 2 = 102.5%; spread 5.0 pts
response_hours (avg, lower is better, allowance 4): fine, and read the right way round
  east  2 4 5 8 3.2   -> 1.5 (cap: 2 x 1.5 <= 4) 1.0 0.8 0.5 1.25  median 1.0
  west  2.5 5 10 6.4 3.2 -> 1.5 (cap) 0.8 0.4 0.625 1.25          median 0.8
  >= 100%: 5 of 10; at the cap 2 of 10; median (0.8 + 1.0) / 2 = 90.0%; spread 20.0 pts

Not counted: the east manager (own calls target, 500 calls), a deactivated east rep and an
east bot (team targets and facts), a north rep without any target."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from bot.core.config import AppConfig
from bot.core.periods import keys_of
from bot.kpi.validation import FactRow
from bot.kpi.writer import write_facts
from storage.db import Database
from storage.models.core import User
from storage.models.kpi import KpiTarget
from tests.conftest import TEST_CONFIG
from tests.support.builders import Org

T = "T0001"
Q3 = "2026-Q3"
DAY = date(2026, 8, 10)
# Thursday 1 October 2026, 10:00 in Shanghai: the first working day of Q4.
OCT_1 = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)

METRICS = [
    {"key": "calls", "label_en": "Calls", "label_zh": "电话量", "aggregate": "sum", "weight": 0.3},
    {"key": "revenue", "label_en": "Revenue", "label_zh": "销售额", "unit": "CNY",
     "aggregate": "sum", "weight": 0.4},
    {"key": "csat", "label_en": "Customer satisfaction", "label_zh": "客户满意度",
     "unit": "score", "aggregate": "avg", "weight": 0.2},
    {"key": "response_hours", "label_en": "Response time (h)", "label_zh": "响应时间",
     "aggregate": "avg", "higher_is_better": False, "weight": 0.1},
]  # fmt: skip
TEAMS = {
    "east": {"channel": "CEAST", "name_en": "East", "name_zh": "华东"},
    "west": {"channel": "CWEST", "name_en": "West", "name_zh": "华西"},
}
REPS = range(1, 11)
ACTUALS: dict[str, dict[int, Any]] = {
    "calls": dict(zip(REPS, (200, 150, 160, 170, 100, 155, 40, 90, 120, 150), strict=True)),
    "revenue": dict(
        zip(
            REPS, (95000, 50000, 80000, 60000, None, 30000, 99000, 70000, 45000, 85000), strict=True
        )
    ),
    "csat": dict(
        zip(
            REPS,
            ("4.4", "3.6", "4.0", "3.2", "4.8", "4.2", "3.8", "4.0", "4.4", "5.2"),
            strict=True,
        )
    ),
    "response_hours": dict(
        zip(REPS, ("2", "4", "5", "8", "3.2", "2.5", "5", "10", "6.4", "3.2"), strict=True)
    ),
}
TARGETS = {"calls": 100, "revenue": 100000, "csat": Decimal("4.0"), "response_hours": 4}


def calibration_config(**channels: Any) -> AppConfig:
    data = {**TEST_CONFIG, "metrics": METRICS, "teams": TEAMS}
    data["channels"] = {**TEST_CONFIG["channels"], **channels}
    return AppConfig.model_validate(data)


def _micro(value: Any) -> int:
    return int(Decimal(str(value)) * 1_000_000)


def people(org: Org) -> dict[str, User]:
    """HR (English), an admin (Chinese), a manager, ten reps, and the people not counted."""
    found = {
        "hr": org.person("UHR", "Helen HR", team=None, role="hr"),
        "admin": org.person("UADM", "Ada Admin", team=None, role="admin", locale="zh-CN"),
        "manager": org.person("UEMGR", "Eric East", role="manager"),
    }
    for n in range(1, 11):
        team = "east" if n <= 5 else "west"
        found[f"r{n}"] = org.person(f"UR{n:02d}", f"Rep {n}", team=team, manager=found["manager"],
                                    handle=f"rep{n}")  # fmt: skip
    found["gone"] = org.person("UGONE", "Gone Rep", handle="gone")
    found["bot"] = org.person("UBOTREP", "Bot Rep", handle="botrep")
    found["north"] = org.person("UNORTH", "Nora North", team="north", handle="nora")
    with org.db.session() as session:
        for key, flag in (("gone", "deactivated"), ("bot", "is_bot")):
            user = session.get(User, found[key].id)
            assert user is not None
            setattr(user, flag, True)
    return found


def load(db: Database, found: dict[str, User]) -> None:
    """Q3 2026 facts and team targets (see the module's docstring)."""
    rows = []
    line = 1
    extra = [(found["manager"], "calls", 500), (found["gone"], "calls", 900),
             (found["bot"], "calls", 900), (found["north"], "calls", 900)]  # fmt: skip
    for metric, values in ACTUALS.items():
        for n, value in values.items():
            if value is not None:
                extra.append((found[f"r{n}"], metric, value))
    for user, metric, value in extra:
        line += 1
        rows.append(FactRow(line, user.id, metric, DAY, _micro(value), None, keys_of(DAY)))  # type: ignore[arg-type]
    with db.session() as session:
        write_facts(session, T, rows)
        for metric, target in TARGETS.items():
            for team in ("east", "west"):
                session.add(KpiTarget(team_id=T, period=Q3, sales_team=team, metric=metric,
                                      target=_micro(target)))  # fmt: skip
        session.add(KpiTarget(team_id=T, period=Q3, user_id=found["manager"].id, metric="calls",
                              target=_micro(100)))  # fmt: skip
