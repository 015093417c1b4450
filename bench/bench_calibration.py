"""KPI calibration at scale: `calibration()` of 2026-Q3 for N reps (what the `scheme-review`
job's card and `salespulse kpi calibration` read), and what "past periods keep their scheme"
adds to one rep's `scorecard` of a month scored with an earlier scheme. N reps in ten teams
with a complete quarter of facts (revenue, calls, conversion rate, response time: lower is
better) and team targets per month and for the quarter.

    .venv/bin/python -m bench.bench_calibration [--reps 10000] [--runs 3] [--db URL]

Prints the median milliseconds (SQLite in a temporary file unless --db names an EMPTY
database: the run creates its schema). Baselines, measured in the same run: for the
calibration, the bare `metric_values` read of the quarter for the same people; for the
scorecard of 2026-08, the same read with one scheme version recorded (the current scheme)
against three (a weight change seen on 10 September, so August is scored with its old
scheme): the difference is the rule's cost. The two scorecards alternate run by run; before
each, its versions are written and August's ranking stored (not counted: a month keeps one
stored ranking, of the scheme it is scored with)."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.support import database, options, timed
from bot.core.config import AppConfig
from bot.core.periods import keys_of, parse_key
from bot.improvement.calibration_figures import calibration
from bot.kpi.ranking import ranked
from bot.kpi.scheme import metric_config_digest
from bot.kpi.scorecard import metric_values, scorecard
from bot.kpi.validation import FactRow
from bot.kpi.writer import write_facts
from storage.db import Database
from storage.models.core import User
from storage.models.kpi import KpiConfigVersion, KpiTarget
from storage.types import utcnow

TEAM = "TBENCH"
TEAMS = 10
QUARTER = parse_key("2026-Q3")
AUGUST = parse_key("2026-08")
assert QUARTER is not None and AUGUST is not None
MONTHS = ("2026-07", "2026-08", "2026-09")
DAYS = [date(2026, m, d) for m in (7, 8, 9) for d in (6, 20)]
CONFIG = {
    "workspace": {"timezone": "Asia/Shanghai"},
    "metrics": [
        {"key": "revenue", "label_en": "Revenue", "label_zh": "销售额", "unit": "CNY",
         "aggregate": "sum", "weight": 0.4},
        {"key": "calls", "label_en": "Calls", "label_zh": "电话量", "aggregate": "sum",
         "weight": 0.3},
        {"key": "conversion_rate", "label_en": "Conversion rate", "label_zh": "转化率",
         "unit": "%", "aggregate": "avg", "weight": 0.2},
        {"key": "response_hours", "label_en": "Response time (h)", "label_zh": "响应时间(小时)",
         "aggregate": "avg", "higher_is_better": False, "decimals": 1, "weight": 0.1},
    ],
}  # fmt: skip
# per month (sums: a third of the quarter's); avg metrics: the same level for the quarter
MONTH_TARGETS = {"revenue": 60_000, "calls": 80, "conversion_rate": 12, "response_hours": 6}
SUMS = ("revenue", "calls")
# the earlier schemes: weights before 1 June, and from 1 June to 10 September (August's)
OLD_WEIGHTS = ({"revenue": 0.25, "calls": 0.25, "conversion_rate": 0.25, "response_hours": 0.25},
               {"revenue": 0.5, "calls": 0.2, "conversion_rate": 0.2, "response_hours": 0.1})  # fmt: skip
SEEN = (datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC),
        datetime(2026, 9, 10, tzinfo=UTC))  # fmt: skip


def seed(db: Database, count: int) -> None:
    """`count` reps in ten teams (every 97th deactivated), two days of facts a month in Q3
    (every 50th none at all, every 13th no response time), each rep's level set by a factor
    of 0.3 to 1.7 and their team's (so attainments run from under 100% to the cap), and a
    team target per metric for each month and the quarter."""
    now = utcnow()
    with db.session() as s:
        rows = [
            {"team_id": TEAM, "slack_id": f"U{i:06d}", "name": f"Rep {i:05d}",
             "team": f"t{i % TEAMS}", "role": "rep", "locale": "zh-CN" if i % 2 else "en-US",
             "source": "org", "deactivated": i % 97 == 96, "created_at": now,
             "updated_at": now}
            for i in range(count)
        ]  # fmt: skip
        s.execute(insert(User), rows)
    with db.session() as s:
        ids = list(s.exec(select(User.id).where(User.team_id == TEAM).order_by(User.id)).all())
        facts, line = [], 2
        for n, user_id in enumerate(ids):
            if n % 50 == 49:
                continue
            level = (0.3 + (n * 7919) % 1000 / 700) * (0.85 + (n % TEAMS) * 0.03)
            for k, day in enumerate(DAYS):
                wobble = 0.9 + (n + k) % 3 * 0.1
                values = {
                    "revenue": round(30_000 * level * wobble),
                    "calls": round(40 * level * wobble),
                    "conversion_rate": round(12 * level * wobble, 1),
                    "response_hours": round(6 / (level * wobble), 1),
                }
                if n % 13 == 12:
                    del values["response_hours"]
                for metric, value in values.items():
                    micro = round(value * 1_000_000)
                    facts.append(FactRow(line, user_id, metric, day, micro, None, keys_of(day)))
                    line += 1
        write_facts(s, TEAM, facts)
        targets = []
        for metric, target in MONTH_TARGETS.items():
            periods = {key: target for key in MONTHS}
            periods[QUARTER.key] = target * 3 if metric in SUMS else target
            targets += [
                {"team_id": TEAM, "period": key, "sales_team": f"t{t}", "metric": metric,
                 "target": value * 1_000_000, "updated_at": now}
                for key, value in periods.items()
                for t in range(TEAMS)
            ]  # fmt: skip
        s.execute(insert(KpiTarget), targets)


def versions(config: AppConfig, count: int) -> list[dict[str, object]]:
    """The `kpi_config_versions` rows: the current scheme alone (1), or two earlier weightings
    before it (3: the current one seen on 10 September)."""
    schemes = [config] if count == 1 else []
    if count == 3:
        for weights in OLD_WEIGHTS:
            metrics = [m.model_copy(update={"weight": weights[m.key]}) for m in config.metrics]
            schemes.append(config.model_copy(update={"metrics": metrics}))
        schemes.append(config)
    return [
        {"team_id": TEAM, "digest": metric_config_digest(c), "seen_at": seen,
         "metrics": [m.model_dump() for m in c.metrics]}
        for c, seen in zip(schemes, SEEN, strict=False)
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> dict[str, float]:
    opts = options(__doc__ or "", argv)
    db = database(opts.db)
    started = time.perf_counter()
    seed(db, opts.reps)
    print(f"{opts.reps:,} reps, a quarter of facts on {db.url.split(':')[0]}; "
          f"seeded in {time.perf_counter() - started:.1f} s (not counted)")  # fmt: skip
    config = AppConfig.model_validate(CONFIG)
    with db.session() as s:
        reps = select(User.id).where(
            User.team_id == TEAM,
            User.role == "rep",
            User.is_bot == False,  # noqa: E712
            User.deactivated == False,  # noqa: E712
        )
        ids = list(s.exec(reps.order_by(col(User.id))).all())
        rep = s.get(User, ids[1])
        assert rep is not None
        s.expunge(rep)

    def scheme_of(count: int) -> Callable[[Session], None]:
        def reset(s: Session) -> None:
            s.execute(delete(KpiConfigVersion).where(col(KpiConfigVersion.team_id) == TEAM))
            s.execute(insert(KpiConfigVersion), versions(config, count))
            s.flush()
            ranked(s, config, TEAM, AUGUST)  # August's ranking of that scheme, stored

        return reset

    def baseline(s: Session) -> object:
        return metric_values(s, config, TEAM, QUARTER, ids)

    def figures(s: Session) -> object:
        return calibration(s, config, TEAM, QUARTER)

    def card(s: Session) -> object:
        return scorecard(s, config, TEAM, rep, AUGUST)

    with db.session() as s:
        scheme_of(1)(s)
    results = {
        f"baseline: metric_values of {len(ids):,} reps, {QUARTER.key}": timed(
            db, opts.runs, baseline
        ),
        f"calibration {QUARTER.key}": timed(db, opts.runs, figures),
    }
    one, three = [], []
    for _ in range(opts.runs):  # alternating: the machine's load hits both alike
        one.append(timed(db, 1, card, scheme_of(1)))
        three.append(timed(db, 1, card, scheme_of(3)))
    results[f"baseline: scorecard {AUGUST.key}, 1 version"] = statistics.median(one)
    results[f"scorecard {AUGUST.key}, 3 versions (old scheme)"] = statistics.median(three)
    for name, ms in results.items():
        print(f"{name:50} {ms:9.1f} ms")
    with db.session() as s:
        found = calibration(s, config, TEAM, QUARTER)
        used = scorecard(s, config, TEAM, rep, AUGUST)
    for m in found.metrics:
        assert m.median is not None
        print(f"{m.metric.key}: {m.reps:,} reps, {m.at_target:,} at target, {m.at_cap:,} at the "
              f"cap, median {m.median:.1%}, spread {m.spread_points} pts "
              f"{' '.join(m.flags)}".rstrip())  # fmt: skip
    assert used.scheme is not None
    print(f"{AUGUST.key} scored with the scheme seen since {used.scheme.since}")
    db.dispose()
    return results


if __name__ == "__main__":
    main()
