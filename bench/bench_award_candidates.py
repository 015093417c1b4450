"""Award candidates at scale: `month_candidates` for every award of November 2026 (what the
`award-candidates` job computes, HR's card shows and `/award` posts), each award's `ranking`
on its own, and the job itself for one workspace (compute, record, queue HR's cards). N reps
in ten teams with one complete month of facts (revenue, conversion rate, response time: lower
is better) and team targets, kudos in that month; awards: composite, metric:response_hours,
kudos and one team's composite.

    .venv/bin/python -m bench.bench_award_candidates [--reps 10000] [--runs 3] [--db URL]

Prints the median milliseconds (SQLite in a temporary file unless --db names an EMPTY
database: the run creates its schema). Baseline, measured in the same run: the bare
`leaderboard` of the month plus the bare `metric_values` read of the same people, which the
ranking cannot do without. The month's ranking is stored before anything is timed (as after
an import's warm-up). The job runs at 07:00 on Tuesday 1 December in Shanghai: HR's cards
wait for the end of the quiet hours, so sending is not timed; its row and cards are deleted
between runs (not counted)."""

from __future__ import annotations

import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_sdk import WebClient

from bench.support import database, options, timed
from bot.awards.candidates import month_candidates, ranking
from bot.awards.job import compute_in
from bot.core.config import AppConfig
from bot.core.periods import keys_of, parse_key
from bot.core.sender import Sender
from bot.core.workspace import Workspace
from bot.kpi.scorecard import leaderboard, metric_values
from bot.kpi.validation import FactRow
from bot.kpi.writer import write_facts
from storage.db import Database
from storage.models.awards import AwardCandidates
from storage.models.core import Delivery, User
from storage.models.feedback import Kudos, KudosRecipient
from storage.models.kpi import KpiTarget
from storage.types import utcnow

TEAM = "TBENCH"
TEAMS = 10
MONTH = parse_key("2026-11")
assert MONTH is not None
TZ = "Asia/Shanghai"
AS_OF = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)  # Tuesday 1 December, 07:00 in Shanghai
DAYS = [date(2026, 11, d) for d in (3, 10, 17, 24)]
CONFIG = {
    "workspace": {"timezone": TZ},
    "metrics": [
        {"key": "revenue", "label_en": "Revenue", "label_zh": "销售额", "unit": "CNY",
         "aggregate": "sum", "weight": 0.5},
        {"key": "conversion_rate", "label_en": "Conversion rate", "label_zh": "转化率",
         "unit": "%", "aggregate": "avg", "weight": 0.3},
        {"key": "response_hours", "label_en": "Response time (h)", "label_zh": "响应时间(小时)",
         "aggregate": "avg", "higher_is_better": False, "decimals": 1, "weight": 0.2},
    ],
    "awards": [
        {"key": "champion", "name_en": "Sales Champion", "name_zh": "销售冠军",
         "criterion": "composite"},
        {"key": "fastest", "name_en": "Fastest Responder", "name_zh": "响应之星",
         "criterion": "metric:response_hours"},
        {"key": "liked", "name_en": "Most Appreciated", "name_zh": "人气之星",
         "criterion": "kudos"},
        {"key": "t3_star", "name_en": "Team 3 Star", "name_zh": "三组之星",
         "criterion": "composite", "team": "t3"},
    ],
}  # fmt: skip
TARGETS = {"revenue": 100_000, "conversion_rate": 12, "response_hours": 6}
HR = 3  # two HR people and an admin get the card


def seed(db: Database, count: int) -> None:
    """`count` reps in ten teams (every 97th deactivated), four days of facts each in
    November (every 50th none at all, every 13th no response time), a team target per
    metric, `count` / 2 kudos cards of one to three recipients (every 20th withdrawn, a few
    just outside the month), and the people who get HR's card."""
    now = utcnow()
    with db.session() as s:
        rows = [
            {"team_id": TEAM, "slack_id": f"U{i:06d}", "name": f"Rep {i:05d}",
             "team": f"t{i % TEAMS}", "role": "rep", "locale": "zh-CN" if i % 2 else "en-US",
             "source": "org", "deactivated": i % 97 == 96, "created_at": now,
             "updated_at": now}
            for i in range(count)
        ] + [
            {"team_id": TEAM, "slack_id": f"UHR{i}", "name": f"HR {i}", "team": None,
             "role": "admin" if i == HR - 1 else "hr", "source": "org", "created_at": now,
             "updated_at": now}
            for i in range(HR)
        ]  # fmt: skip
        s.execute(insert(User), rows)
    with db.session() as s:
        ids = list(
            s.exec(
                select(User.id).where(User.team_id == TEAM, User.role == "rep").order_by(User.id)
            ).all()
        )
        facts, line = [], 2
        for n, user_id in enumerate(ids):
            if n % 50 == 49:
                continue
            for k, day in enumerate(DAYS):
                values = {
                    "revenue": 10_000 + (n * 7919 + k * 104729) % 20_000,
                    "conversion_rate": 5 + (n * 31 + k * 7) % 15,
                    "response_hours": 2 + (n * 17 + k * 3) % 10,
                }
                if n % 13 == 12:
                    del values["response_hours"]
                for metric, value in values.items():
                    facts.append(
                        FactRow(line, user_id, metric, day, value * 1_000_000, None, keys_of(day))
                    )
                    line += 1
        write_facts(s, TEAM, facts)
        s.execute(
            insert(KpiTarget),
            [
                {"team_id": TEAM, "period": MONTH.key, "sales_team": f"t{t}", "metric": metric,
                 "target": target * 1_000_000, "updated_at": now}
                for t in range(TEAMS)
                for metric, target in TARGETS.items()
            ],
        )  # fmt: skip
        start, _ = MONTH.bounds(TZ)
        cards = count // 2
        s.execute(
            insert(Kudos),
            [
                {"team_id": TEAM, "giver_id": ids[k * 31 % len(ids)], "message": "thanks",
                 "source": "command", "created_at": start + timedelta(minutes=k * 43_200 // cards)
                 - (timedelta(hours=2) if k % 250 == 0 else timedelta(0)),
                 "withdrawn_at": now if k % 20 == 19 else None}
                for k in range(cards)
            ],
        )  # fmt: skip
        kudos = list(s.exec(select(Kudos.id).where(Kudos.team_id == TEAM).order_by(Kudos.id)))
        recipients = []
        for k, kudos_id in enumerate(kudos):
            praised = {ids[(k * 7919 + j * 104729) % len(ids)] for j in range(1 + k % 3)}
            recipients += [
                {"team_id": TEAM, "kudos_id": kudos_id, "user_id": user_id}
                for user_id in sorted(praised)
            ]
        s.execute(insert(KudosRecipient), recipients)


def main(argv: list[str] | None = None) -> dict[str, float]:
    opts = options(__doc__ or "", argv)
    db = database(opts.db)
    started = time.perf_counter()
    seed(db, opts.reps)
    print(f"{opts.reps:,} reps, one month of facts and {opts.reps // 2:,} kudos on "
          f"{db.url.split(':')[0]}; seeded in {time.perf_counter() - started:.1f} s "
          "(not counted)")  # fmt: skip
    config = AppConfig.model_validate(CONFIG)
    bounds = MONTH.bounds(TZ)
    with db.session() as s:
        started = time.perf_counter()
        leaderboard(s, config, TEAM, MONTH)
        print(f"the month's ranking stored in {time.perf_counter() - started:.1f} s (not counted)")
        active = select(User.id).where(
            User.team_id == TEAM,
            User.is_bot == False,  # noqa: E712
            User.deactivated == False,  # noqa: E712
        )
        ids = list(s.exec(active.order_by(col(User.id))).all())
    ws = Workspace(TEAM, None, config, Sender(WebClient()), lambda: AS_OF)  # type: ignore[arg-type]

    def baseline(s: Session) -> object:
        return leaderboard(s, config, TEAM, MONTH), metric_values(s, config, TEAM, MONTH, ids)

    def candidates(s: Session) -> object:
        return month_candidates(s, config, TEAM, MONTH, bounds)

    def ranking_of(award):  # type: ignore[no-untyped-def]
        return lambda s: ranking(s, config, TEAM, award, MONTH, bounds)

    summaries: list[str] = []

    def job(s: Session) -> object:
        summaries.append(compute_in(ws, db, AS_OF))  # its own sessions
        return summaries[-1]

    def forget(s: Session) -> None:
        s.execute(delete(AwardCandidates).where(col(AwardCandidates.team_id) == TEAM))
        s.execute(delete(Delivery).where(col(Delivery.team_id) == TEAM))

    results = {
        f"baseline: leaderboard + metric_values of {len(ids):,} people": timed(
            db, opts.runs, baseline
        ),
        f"month_candidates, {len(config.awards)} awards": timed(db, opts.runs, candidates),
    }
    for award in config.awards:
        results[f"  ranking {award.key} ({award.criterion})"] = timed(
            db, opts.runs, ranking_of(award)
        )
    results["award-candidates job (compute, record, queue)"] = timed(db, opts.runs, job, forget)
    for name, ms in results.items():
        print(f"{name:50} {ms:9.1f} ms")
    print(f"({summaries[-1]})")
    with db.session() as s:
        found = month_candidates(s, config, TEAM, MONTH, bounds)
    print("winners: " + ", ".join(f"{k} {v[0]['slack_id']}" for k, v in found.items() if v))
    db.dispose()
    return results


if __name__ == "__main__":
    main()
