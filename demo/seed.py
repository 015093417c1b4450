"""Demo seeding: the config and one seed function per feature (the data is in demo/seed_data.py).

A feature adds its demo data with a function `(ctx) -> summary line` in SEEDS under its key
in bot/features.py. Seeds run in the registry's order after the schema is migrated and before
the app starts, with the real services (`ctx.deps`), so the data is exactly what the bot would
have stored itself."""

from __future__ import annotations

import calendar
import csv
import random
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.core.config import AppConfig
from bot.core.deps import Deps
from bot.core.workspace import Workspace
from bot.features import FEATURES
from bot.org import sync as org_sync
from bot.org.importer import import_org
from demo.days import working_day_after
from demo.seed_data import (
    CHANNEL_LOCALES,
    CHANNELS,
    FEEDBACK,
    GENERAL,
    KPI_MONTHS,
    KUDOS,
    PEOPLE,
    PERSONAL_REVENUE,
    SHANGHAI,
    SKILL,
    TEAM_TARGETS,
    TEAMS,
    Person,
)
from demo.slack_emulator import FakeSlack
from storage.models.core import User

# Extra config for features, deep-merged over the example config's sections (see demo_config).
CONFIG_OVERRIDES: dict[str, Any] = {}
EXAMPLE_CONFIG = Path(__file__).resolve().parents[1] / "salespulse.example.toml"


def channel_names(config: AppConfig) -> dict[str, str]:
    """Channel id -> the name the console shows: config keys (`recognition`) and team names."""
    names = {GENERAL: "general"}
    for key, channel_id in config.channels.model_dump().items():
        if isinstance(channel_id, str) and channel_id and not key.endswith("_locale"):
            names[channel_id] = key
    for team, team_config in config.teams.items():
        if team_config.channel:
            names[team_config.channel] = team
    return names


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def demo_config(example: Path | None = EXAMPLE_CONFIG) -> AppConfig:
    """Workspace, channels and teams are the demo's own; every other (feature) section comes
    from salespulse.example.toml when it ships next to the code, so features that document
    their config there show up in the demo with no change here."""
    data: dict[str, Any] = {}
    if example is not None and example.exists():
        data = tomllib.loads(example.read_text(encoding="utf-8"))
    data |= {
        "workspace": {"timezone": SHANGHAI, "default_locale": "zh-CN"},
        "channels": CHANNELS | CHANNEL_LOCALES,
        "teams": {team: dict(team_config) for team, team_config in TEAMS.items()},
    }
    return AppConfig.model_validate(_deep_merge(data, CONFIG_OVERRIDES))


@dataclass
class SeedContext:
    deps: Deps
    fake: FakeSlack
    team_id: str
    dir: Path  # the demo workspace directory (files written here are kept with --keep)
    today: date
    rng: random.Random = field(default_factory=lambda: random.Random(20261126))
    people: tuple[Person, ...] = PEOPLE

    def user(self, session: Session, slack_id: str) -> User:
        return session.exec(
            select(User).where(User.team_id == self.team_id, User.slack_id == slack_id)
        ).one()

    def reps(self) -> list[Person]:
        return [p for p in self.people if p.role == "rep"]


Seed = Callable[[SeedContext], str]
# People the org import gives no time zone or language: theirs come from their Slack profile.
SLACK_ONLY = ("carol",)


def seed_people(ctx: SeedContext) -> str:
    """Everyone in the emulator (users.info answers) and in the directory, through the real
    org import from a CSV file."""
    for p in ctx.people:
        ctx.fake.add_user(
            p.slack_id,
            name=p.handle,
            real_name=p.name,
            email=p.email,
            locale=p.locale,
            tz=p.timezone,
        )
    path = ctx.dir / "org.csv"
    columns = ["slack_id", "name", "email", "team", "manager", "role", "title", "level"]
    columns += ["hire_date", "timezone", "locale"]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, columns)
        writer.writeheader()
        for p in ctx.people:
            row = {c: getattr(p, c) for c in columns}
            if p.handle in SLACK_ONLY:
                row |= {"timezone": "", "locale": ""}
            writer.writerow(row | {"team": p.team or "", "manager": p.manager or ""})
    with ctx.deps.db.session() as session:
        result = import_org(session, ctx.team_id, path)
        if not result.ok:
            raise RuntimeError(f"demo org.csv rejected: {result.errors}")
    org_sync.directory_sync(ctx.deps, ctx.deps.clock())  # as the daily job would have
    teams = len({p.team for p in ctx.people if p.team})
    return f"org: {result.created} people in {teams} teams (imported from {path.name})"


# -- KPIs -----------------------------------------------------------------------------------


def kpi_last_day(today: date) -> date:
    """Facts end yesterday; on the 1st of a month, today, so this month is never empty."""
    yesterday = today - timedelta(days=1)
    return today if yesterday.month != today.month else yesterday


def _months_back(day: date, months: int) -> date:
    """The 1st of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _months(first: date, last: date) -> list[str]:
    keys, day = [], first.replace(day=1)
    while day <= last:
        keys.append(f"{day.year}-{day.month:02d}")
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return keys


def _fact_rows(ctx: SeedContext, first: date, last: date) -> list[dict[str, str]]:
    """Daily facts per rep and metric: the team target spread over the month, times the
    rep's skill, with a little day-to-day noise (fixed seed: the same data every run)."""
    rng = random.Random(ctx.rng.random())
    rows = []
    for p in ctx.reps():
        assert p.team is not None
        skill, target = SKILL.get(p.slack_id, 1.0), TEAM_TARGETS[p.team]
        won = 0.0  # new customers: a running total, so whole customers arrive evenly
        day = first
        while day <= last:
            month_days = calendar.monthrange(day.year, day.month)[1]
            weekday = 1.2 if day.weekday() < 5 else 0.5  # averages 1.0 over a week
            noise = 1 + rng.uniform(-0.04, 0.04)
            revenue = target["revenue"] / month_days * skill * weekday * noise
            before = int(won)
            won += target["new_customers"] / month_days * skill * noise
            csat = min(5.0, target["csat"] * (0.9 + 0.1 * skill) + rng.uniform(-0.08, 0.08))
            conversion = target["conversion_rate"] * skill * (1 + rng.uniform(-0.05, 0.05))
            values = {
                "revenue": f"{revenue:.2f}",
                "csat": f"{csat:.2f}",
                "new_customers": str(int(won) - before),
                "conversion_rate": f"{conversion:.1f}",
            }
            for metric, value in values.items():
                rows.append(
                    {"date": day.isoformat(), "user": p.slack_id, "metric": metric, "value": value}
                )
            day += timedelta(days=1)
    return rows


def _target_rows(months: list[str]) -> list[dict[str, str]]:
    quarters: dict[str, list[str]] = {}
    for month in months:
        year, number = month.split("-")
        quarters.setdefault(f"{year}-Q{(int(number) + 2) // 3}", []).append(month)
    sums = {"revenue", "new_customers"}  # quarter target = 3 months; averages stay the same
    rows = []
    for team, targets in TEAM_TARGETS.items():
        for metric, value in targets.items():
            for month in months:
                rows.append(
                    {"period": month, "scope": f"team:{team}", "metric": metric, "target": value}
                )
            for quarter in quarters:
                quarter_value = value * 3 if metric in sums else value
                rows.append(
                    {"period": quarter, "scope": f"team:{team}", "metric": metric,
                     "target": quarter_value}
                )  # fmt: skip
    for slack_id, revenue in PERSONAL_REVENUE.items():
        rows.append({"period": months[-1], "scope": slack_id, "metric": "revenue",
                     "target": revenue})  # fmt: skip
    return [{k: str(v) for k, v in row.items()} for row in rows]


def seed_kpis(ctx: SeedContext) -> str:
    """Monthly and quarterly targets through the targets import (a CSV file), then about four
    months of daily facts through the same validator and writer as `salespulse kpi import`,
    then the current periods ranked (as the CLI import does)."""
    from bot.kpi import facts as kpi_facts
    from bot.kpi import scorecard
    from bot.kpi.targets import COLUMNS, import_targets

    last = kpi_last_day(ctx.today)
    first = _months_back(last, KPI_MONTHS - 1)
    config = ctx.deps.config
    path = ctx.dir / "targets.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, COLUMNS)
        writer.writeheader()
        writer.writerows(_target_rows(_months(first, ctx.today)))
    facts = _fact_rows(ctx, first, last)
    with ctx.deps.db.session() as session:
        targets = import_targets(session, ctx.team_id, config, path)
        if not targets.ok:
            raise RuntimeError(f"demo targets.csv rejected: {targets.errors}")
        result = kpi_facts.validate(
            session, ctx.team_id, config, ctx.today, enumerate(facts, start=2)
        )
        if not result.ok:
            raise RuntimeError(f"demo KPI facts rejected: {result.errors[:5]}")
        kpi_facts.write_facts(session, ctx.team_id, result.rows)
        scorecard.warm_up(session, config, ctx.team_id, ctx.today)
    return (
        f"kpi: {len(result.rows)} daily facts {first.isoformat()}..{last.isoformat()}, "
        f"{targets.written} targets"
    )


# -- kudos and feedback -----------------------------------------------------------------------


def _at(ctx: SeedContext, days_ago: int, hour: int = 11) -> Workspace:
    """The workspace as it was at that hour, `days_ago` days before the demo's today."""
    tz = ZoneInfo(ctx.deps.config.workspace.timezone)
    now = ctx.deps.clock()
    day = ctx.today - timedelta(days=days_ago)
    moment = datetime.combine(day, time(hour, 0), tz).astimezone(UTC)
    return replace(ctx.deps.workspace(ctx.team_id), clock=lambda: min(moment, now))


def _delivered(ctx: SeedContext) -> None:
    """Send what seeding queued, then clear the emulator so the console starts with empty
    channels and DMs."""
    ctx.deps.sender.flush(ctx.deps.db)
    ctx.fake.reset()


def seed_kudos(ctx: SeedContext) -> str:
    """Kudos with company values through the real service at past times (a clock of that
    moment), then delivered, each recipient's DM linking its card."""
    from bot.kudos import service as kudos

    with ctx.deps.db.session() as session:
        given = [
            kudos.give(
                _at(ctx, days_ago),
                session,
                giver=ctx.user(session, giver),
                recipients=[ctx.user(session, r) for r in recipients],
                message=message,
                values=values,
            )
            for days_ago, giver, recipients, message, values in KUDOS
        ]
    ctx.deps.sender.flush(ctx.deps.db)
    ws = ctx.deps.workspace(ctx.team_id)
    for k in given:  # the cards are out: link each recipient to theirs
        kudos.announce(ws, ctx.deps.db, k.id)  # type: ignore[arg-type]
    _delivered(ctx)
    return f"{len(KUDOS)} kudos"


def seed_feedback(ctx: SeedContext) -> str:
    """Private feedback and one open feedback request, the same way."""
    from bot.feedback import requests as feedback_requests
    from bot.feedback import service as feedback

    with ctx.deps.db.session() as session:
        for days_ago, giver, recipient, kind, visibility, message in FEEDBACK:
            feedback.give(
                _at(ctx, days_ago),
                session,
                giver=ctx.user(session, giver),
                recipients=[ctx.user(session, recipient)],
                kind=kind,
                visibility=visibility,
                message=message,
            )
        feedback_requests.create_request(
            _at(ctx, 1, 16),
            session,
            requester=ctx.user(session, "UKEVIN"),
            peers=[ctx.user(session, "UALICE"), ctx.user(session, "ULINA")],
            subject=None,
            topic="my pitch for the Q1 kickoff",
        )
    _delivered(ctx)
    return f"{len(FEEDBACK)} feedback, 1 open request"


# -- review cycles ----------------------------------------------------------------------------

REVIEW_REMINDER_WORKDAY = 2  # the walkthrough ticks review-reminders on `workday+2`


def review_due(ctx: SeedContext) -> date:
    """Due 3 days after the second working day from today, so that day's remind-3-days-before
    reminder falls on a working day in every time zone, whatever day the demo runs."""
    weekend = ctx.deps.config.workspace.weekend
    return working_day_after(ctx.today, REVIEW_REMINDER_WORKDAY, weekend) + timedelta(days=3)


def seed_reviews(ctx: SeedContext) -> str:
    """An open quarterly cycle of the current quarter (a self review of every rep, a manager
    review for their manager), checked like `/review start` and written by the same
    `open_cycle`. Its task DMs are not sent: the console starts with empty DMs anyway, and
    sending them (18 DMs, a first Babel date format) would add about 0.3 s to the start."""
    from bot.core.periods import containing
    from bot.reviews import start as review_start
    from bot.reviews.cycles import CycleSpec, open_cycle

    quarter = containing("quarter", ctx.today)
    spec = CycleSpec(
        name=f"{quarter.key} 季度评估 · quarterly review",
        kind="quarterly",
        period=quarter.key,
        due=review_due(ctx),
        steps=("self", "manager"),
    )
    ws = _at(ctx, 1, 9)
    with ctx.deps.db.session() as session:
        spec = review_start.validate(ws, session, None, spec, ctx.today)
        cycle, tasks = open_cycle(session, ctx.team_id, spec, None)
        cycle.created_at = ws.clock()  # the demo's clock (moved by --today), not the real one
        session.add(cycle)
    return f"reviews: 1 open cycle, {len(tasks)} tasks, due {spec.due.isoformat()}"


# -- growth -----------------------------------------------------------------------------------


def seed_growth(ctx: SeedContext) -> str:
    """A training request waiting for its manager (张伟, L1, asks for the prospecting course:
    陈静 has the Approve / Decline DM) and a development plan for 小王 (one goal of their own
    tied to a metric, one their manager added tied to a course), through the real services."""
    from bot.growth import plan, training

    ws = _at(ctx, 2, 10)
    course = ws.config.course("prospecting")
    assert course is not None
    with ctx.deps.db.session() as session:
        training.create(
            ws,
            session,
            ctx.user(session, "UZHANGWEI"),
            training.Draft(
                topic=course.title_en,
                course=course.key,
                kind=course.kind,
                reason="新客户数连续两个月未达标，想系统学习客户开发的方法。",
            ),
        )
        xiaowang, manager = ctx.user(session, "UXIAOWANG"), ctx.user(session, "UCHENJING")
        plan.add_goal(
            ws,
            session,
            xiaowang,
            xiaowang,
            text="每周复盘两次报价，把转化率提到目标以上",
            metric="conversion_rate",
            due=ctx.today + timedelta(days=45),
        )
        plan.add_goal(
            ws,
            session,
            manager,
            xiaowang,
            text="完成「商务谈判与成交技巧」培训并在团队会上分享",
            course="negotiation",
            due=ctx.today + timedelta(days=60),
        )
    _delivered(ctx)
    return "growth: 1 training request, 2 plan goals"


# Feature key (bot/features.py) -> its demo data; run in the registry's order.
SEEDS: dict[str, Seed] = {
    "org": seed_people,
    "kudos": seed_kudos,
    "feedback": seed_feedback,
    "kpi": seed_kpis,
    "reviews": seed_reviews,
    "growth": seed_growth,
}


def seeds() -> list[Seed]:
    return [SEEDS[f.key] for f in FEATURES if f.key in SEEDS]
