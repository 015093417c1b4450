"""The development-suggestions job for N reps with one month of facts (November 2026, three
metrics, a third of the reps weak on one or two), against a baseline measured in the same
run: the bare `metric_values` read of the same people and month (what judging them costs
at least). The job's time covers finding the weak metrics, recording the suggestions
(INSERT … ON CONFLICT) and queueing one DM per rep; it runs on a Saturday, so every DM waits
for Monday and sending (the outbox's work) is not timed. A second run (nothing new) too.

    .venv/bin/python -m bench.bench_suggestions [--reps 10000] [--pg postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from slack_sdk import WebClient
from sqlalchemy import func, insert, text
from sqlmodel import select

from bot.core.config import AppConfig
from bot.core.periods import keys_of, parse_key
from bot.core.sender import Sender
from bot.core.workspace import Workspace
from bot.growth.suggestions import suggest_in
from bot.kpi.scorecard import metric_values
from bot.kpi.validation import FactRow
from bot.kpi.writer import write_facts
from storage.db import Database
from storage.models.core import Delivery, User
from storage.models.growth import GoalSuggestion
from storage.models.kpi import KpiTarget

TEAM = "T0BENCH"
AS_OF = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)  # Saturday 10:00 in Shanghai
CONFIG = {
    "workspace": {"timezone": "Asia/Shanghai"},
    "metrics": [
        {"key": "revenue", "label_en": "Revenue", "label_zh": "销售额", "unit": "CNY",
         "aggregate": "sum", "weight": 0.5},
        {"key": "conversion_rate", "label_en": "Conversion rate", "label_zh": "转化率",
         "unit": "%", "aggregate": "avg", "weight": 0.3},
        {"key": "discount_rate", "label_en": "Discount rate", "label_zh": "折扣率", "unit": "%",
         "aggregate": "avg", "higher_is_better": False, "weight": 0.2},
    ],
    "training": [
        {"key": "negotiation", "title_en": "Negotiation", "title_zh": "商务谈判",
         "metrics": ["conversion_rate", "revenue"]},
    ],
}  # fmt: skip
DAYS = [date(2026, 11, d) for d in (3, 10, 17, 24)]


def seed(db: Database, reps: int) -> list[int]:
    users = User.__table__  # type: ignore[attr-defined]
    with db.engine.begin() as conn:
        conn.execute(
            insert(users),
            [
                {
                    "team_id": TEAM,
                    "slack_id": f"UR{i:06d}",
                    "name": f"Rep {i}",
                    "team": "east",
                    "role": "rep",
                    "locale": "zh-CN" if i % 2 else "en-US",
                    "source": "org",
                    "is_bot": False,
                    "deactivated": False,
                    "created_at": datetime.now(UTC),
                    "updated_at": datetime.now(UTC),
                }
                for i in range(reps)
            ],
        )
    with db.session() as s:
        ids = list(s.exec(select(User.id).order_by(User.id)).all())
        rows, line = [], 2
        for n, user_id in enumerate(ids):
            weak = n % 3 == 0  # a third of the reps: conversion 50%, discount 20 against 10
            for day in DAYS:
                for metric, value in (
                    ("revenue", 25_000 if n % 6 else 10_000),
                    ("conversion_rate", 5 if weak else 12),
                    ("discount_rate", 20 if weak else 8),
                ):
                    rows.append(
                        FactRow(line, user_id, metric, day, value * 1_000_000, None, keys_of(day))
                    )
                    line += 1
        write_facts(s, TEAM, rows)
        for metric, target in (
            ("revenue", 100_000),
            ("conversion_rate", 10),
            ("discount_rate", 10),
        ):
            s.add(
                KpiTarget(
                    team_id=TEAM,
                    period="2026-11",
                    sales_team="east",
                    metric=metric,
                    target=target * 1_000_000,
                )
            )
    return ids  # type: ignore[return-value]


def run(url: str, reps: int) -> dict[str, float]:
    db = Database(url)
    if url.startswith("postgresql"):
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    db.migrate()
    ids = seed(db, reps)
    config = AppConfig.model_validate(CONFIG)
    ws = Workspace(TEAM, None, config, Sender(WebClient()), lambda: AS_OF)  # type: ignore[arg-type]
    month = parse_key("2026-11")
    assert month is not None
    start = time.perf_counter()
    with db.session() as session:
        read = metric_values(session, config, TEAM, month, ids)
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    summary = suggest_in(ws, db, AS_OF)
    took = time.perf_counter() - start
    start = time.perf_counter()
    again = suggest_in(ws, db, AS_OF + timedelta(hours=1))
    second = time.perf_counter() - start
    with db.session() as s:
        made = s.exec(select(func.count()).select_from(GoalSuggestion)).one()
        queued = s.exec(select(func.count()).select_from(Delivery)).one()
    db.dispose()
    name = url.split(":", 1)[0].split("+")[0]
    print(f"{name}: baseline metric_values of {len(read):,} reps for 2026-11: {baseline:.2f} s")
    print(f"{name}: development-suggestions for {reps:,} reps: {took:.2f} s ({summary})")
    print(f"{name}: second run (nothing new): {second:.2f} s ({again})")
    print(f"{name}: {made:,} suggestions, {queued:,} DMs queued")
    return {"baseline_s": baseline, "job_s": took, "second_s": second, "suggestions": made}


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=10_000)
    parser.add_argument("--pg", help="an empty PostgreSQL database URL (its schema is reset)")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.reps)
    if args.pg:
        results["postgresql"] = run(args.pg, args.reps)
    return results


if __name__ == "__main__":
    main()
