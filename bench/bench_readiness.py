"""Promotion readiness at scale: `readiness()` for N reps (what `salespulse career
readiness` computes; `/career` is the same for one person), with 3 complete months of facts
and targets, levels L1 (composite, tenure) and L2 (composite, manager rating, tenure).

    .venv/bin/python -m bench.bench_readiness [--reps 10000] [--runs 3] [--db URL]

Prints the median milliseconds (SQLite in a temporary file unless --db names an EMPTY
database: the run creates its schema). Baseline, measured in the same run: the bare
`composites` calls for the same people and months, which readiness cannot do without."""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.support import database, options, timed
from bot.core.config import AppConfig
from bot.core.periods import keys_of
from bot.growth.readiness import complete_months, readiness, reps
from bot.kpi.scorecard import composites
from bot.kpi.validation import FactRow
from bot.kpi.writer import write_facts
from storage.db import Database
from storage.models.core import User
from storage.models.kpi import KpiTarget
from storage.types import utcnow

TEAM = "TBENCH"
TODAY = date(2026, 11, 26)
TEAMS = 10
CONFIG = {
    "metrics": [
        {"key": "revenue", "label_en": "Revenue", "label_zh": "销售额", "unit": "CNY",
         "aggregate": "sum", "weight": 1.0},
    ],
    "career": {
        "levels": [
            {"key": "L1", "title_en": "Rep", "title_zh": "销售代表", "next": "L2",
             "min_composite": 0.8, "months": 3, "min_tenure_months": 12},
            {"key": "L2", "title_en": "Senior rep", "title_zh": "高级销售代表", "next": "L3",
             "min_composite": 0.9, "months": 3, "min_review_rating": 3.5,
             "min_tenure_months": 24},
            {"key": "L3", "title_en": "Key accounts", "title_zh": "大客户经理"},
        ]
    },
}  # fmt: skip


def seed(db: Database, count: int) -> None:
    """`count` reps in ten teams, half L1 and half L2, one revenue fact per rep per month
    (some reps miss a month) and a team target per month."""
    months = complete_months(TODAY, 3)
    now = utcnow()
    with db.session() as s:
        rows = [
            {"team_id": TEAM, "slack_id": f"U{i:06d}", "name": f"Rep {i:05d}",
             "team": f"t{i % TEAMS}", "role": "rep", "level": "L1" if i % 2 else "L2",
             "hire_date": date(2020 + i % 6, 1 + i % 12, 1), "source": "org",
             "created_at": now, "updated_at": now}
            for i in range(count)
        ]  # fmt: skip
        s.execute(insert(User), rows)
    with db.session() as s:
        ids = list(s.exec(select(User.id).where(User.team_id == TEAM)).all())
        facts = []
        line = 2
        for n, user_id in enumerate(ids):
            for k, month in enumerate(months):
                if (n + k) % 17 == 0:
                    continue  # a month without facts (still has its team target)
                day = month.start.replace(day=10)
                value = (60_000 + (n * 7919 + k * 104729) % 80_000) * 1_000_000
                facts.append(FactRow(line, user_id, "revenue", day, value, None, keys_of(day)))
                line += 1
        write_facts(s, TEAM, facts)
        for month in months:
            for t in range(TEAMS):
                s.add(KpiTarget(team_id=TEAM, period=month.key, sales_team=f"t{t}",
                                metric="revenue", target=100_000 * 1_000_000))  # fmt: skip


def main(argv: list[str] | None = None) -> dict[str, float]:
    opts = options(__doc__ or "", argv)
    db = database(opts.db)
    started = time.perf_counter()
    seed(db, opts.reps)
    print(f"{opts.reps:,} reps, 3 months of facts on {db.url.split(':')[0]}; "
          f"seeded in {time.perf_counter() - started:.1f} s (not counted)")  # fmt: skip
    config = AppConfig.model_validate(CONFIG)
    with db.session() as s:
        people = reps(s, TEAM)
        s.expunge_all()
    ids = [p.id for p in people if p.id is not None]
    months = complete_months(TODAY, 3)

    def baseline(s: Session) -> object:
        return [composites(s, config, TEAM, m, ids) for m in months]

    def everyone(s: Session) -> object:
        return readiness(s, config, TEAM, people, TODAY)

    def one(s: Session) -> object:
        return readiness(s, config, TEAM, people[:1], TODAY)

    results = {
        f"baseline: composites of {len(ids):,} people x 3 months": timed(db, opts.runs, baseline),
        f"readiness of {len(ids):,} reps": timed(db, opts.runs, everyone),
        "readiness of one rep (/career)": timed(db, opts.runs, one),
    }
    for name, ms in results.items():
        print(f"{name:50} {ms:9.1f} ms")
    with db.session() as s:
        found = readiness(s, config, TEAM, people, TODAY)
    ready = sum(1 for r in found.values() if r.ready)
    print(f"({ready:,} of {len(found):,} ready)")
    db.dispose()
    return results


if __name__ == "__main__":
    main()
