"""The weekly KPI digest (job `weekly-digest`): each configured team channel gets its
leaderboard month to date, team attainment per metric, the week's biggest movers and a bar
chart; each rep gets their own scorecard by DM in their language with one next step.

It runs on the configured weekday for the week that just ended. Every message goes through
the outbox keyed `digest:<week>:<recipient>`, and the chart upload is recorded under
`digest-chart:<week>:<channel>`, so a second run for the same week sends nothing twice and a
failed recipient is retried later without stopping the others."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError
from sqlmodel import Session, select

from bot import feedback, kudos, scorecard
from bot.config import AppConfig
from bot.deps import Deps
from bot.directory import locale_of
from bot.periods import Period, containing, working_days
from bot.views.digest import rep_digest, team_digest
from storage.models import Delivery, User
from storage.types import utcnow

log = logging.getLogger(__name__)
MOVERS = 3
TOP_VALUES = 3


@dataclass(frozen=True)
class Mover:
    user: User
    delta: float  # change in the weekly composite, week before -> last week


@dataclass(frozen=True)
class Tip:
    key: str  # kpi.tip.*
    params: dict[str, object]


def report_week(config: AppConfig, as_of: datetime) -> tuple[date, Period, Period]:
    """(last day covered, the week that just ended, its month) for a run at `as_of`."""
    local = as_of.astimezone(ZoneInfo(config.workspace.timezone)).date()
    last_day = local - timedelta(days=1)
    return last_day, containing("week", last_day), containing("month", last_day)


@dataclass(frozen=True)
class WeekKudos:
    """Kudos that praised anyone in a team this week (each counted once), top values first."""

    count: int
    top_values: list[tuple[str, int]]  # (value label in the channel's language, count)


@dataclass(frozen=True)
class WeekFeedback:
    """What a rep received this week: kudos, and feedback they may read, counted by kind."""

    kudos: int
    by_kind: dict[str, int]


def kudos_of_week(
    session: Session, config: AppConfig, members: list[User], week: Period, locale: str
) -> WeekKudos:
    since, until = week.bounds(config.workspace.timezone)
    count, per_value = kudos.received_between(
        session, [u.id for u in members if u.id is not None], since, until
    )
    top = sorted(per_value.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_VALUES]
    return WeekKudos(count, [(kudos.value_label(config, key, locale), n) for key, n in top])


def feedback_of_week(session: Session, config: AppConfig, rep: User, week: Period) -> WeekFeedback:
    since, until = week.bounds(config.workspace.timezone)
    assert rep.id is not None
    given_kudos, _ = kudos.received_between(session, [rep.id], since, until)
    return WeekFeedback(given_kudos, feedback.received_counts(session, rep, since, until))


def next_step(card: scorecard.Scorecard, last_day: date) -> Tip | None:
    """One suggestion for the metric with the lowest attainment (those with a target)."""
    scored = [(m.attainment, m) for m in card.metrics if m.attainment is not None and m.target]
    if not scored:
        return None
    worst_ratio, worst = min(scored, key=lambda pair: pair[0])
    if worst_ratio >= 1:
        return Tip("kpi.tip.all_good", {})
    metric = worst.metric
    if not metric.higher_is_better:
        return Tip(
            "kpi.tip.lower", {"metric": metric, "actual": worst.actual, "target": worst.target}
        )
    if metric.aggregate == "sum":
        assert worst.target is not None
        gap = worst.target - (worst.actual or Decimal(0))
        days_left = max(1, working_days(last_day + timedelta(days=1), card.period.end))
        return Tip(
            "kpi.tip.sum",
            {
                "metric": metric,
                "attainment": worst_ratio,
                "gap": gap,
                "per_day": gap / days_left,
                "end": card.period.end,
            },
        )
    return Tip("kpi.tip.level", {"metric": metric, "actual": worst.actual, "target": worst.target})


def _workspace(deps: Deps) -> str:
    return str(deps.client.auth_test()["team_id"])


def weekly_digest(deps: Deps, as_of: datetime) -> str:
    config = deps.config
    team_id = _workspace(deps)
    last_day, week, month = report_week(config, as_of)
    channel_locale = config.workspace.default_locale
    charts: list[tuple[str, str, bytes, str]] = []  # (key, channel, png, title)
    queued = 0
    with deps.db.session() as session:
        for name, team_cfg in config.teams.items():
            members = session.exec(
                select(User).where(
                    User.team_id == team_id,
                    User.team == name,
                    User.is_bot == False,  # noqa: E712
                    User.deactivated == False,  # noqa: E712
                )
            ).all()
            if not members:
                continue
            ids = [u.id for u in members if u.id is not None]
            board = scorecard.leaderboard(session, config, team_id, month, team=name)
            movers = _movers(session, config, team_id, week, members)
            if team_cfg.channel:
                text, blocks = team_digest(
                    team=name,
                    month=month,
                    week=week,
                    board=board,
                    attainment=scorecard.team_attainment(session, config, team_id, month, ids),
                    metrics=config.metrics,
                    movers=[(m.user.slack_id, m.delta) for m in movers],
                    kudos=kudos_of_week(session, config, members, week, channel_locale),
                    locale=channel_locale,
                )
                key = f"digest:{week.key}:{team_cfg.channel}"
                if deps.sender.enqueue(session, team_id, key, team_cfg.channel, text, blocks):
                    queued += 1
                chart_key = f"digest-chart:{week.key}:{team_cfg.channel}"
                if board and not _recorded(session, team_id, chart_key):
                    from bot.charts import attainment_chart

                    title = f"{name} · {month.key} · composite"
                    by_id = {u.id: u for u in members}
                    png = attainment_chart(
                        [(by_id[s.user_id], s.composite) for s in board if s.user_id in by_id],
                        title,
                    )
                    charts.append((chart_key, team_cfg.channel, png, title))
        # every rep with numbers, whether or not their team has a channel configured
        reps = session.exec(
            select(User).where(
                User.team_id == team_id,
                User.role == "rep",
                User.is_bot == False,  # noqa: E712
                User.deactivated == False,  # noqa: E712
            )
        ).all()
        for rep in reps:
            card = scorecard.scorecard(session, config, team_id, rep, month)
            if not card.has_data:
                continue
            week_card = scorecard.scorecard(session, config, team_id, rep, week)
            text, blocks = rep_digest(
                card=card,
                week_card=week_card,
                tip=next_step(card, last_day),
                feedback=feedback_of_week(session, config, rep, week),
                locale=locale_of(rep, config),
            )
            key = f"digest:{week.key}:{rep.slack_id}"
            if deps.sender.enqueue(session, team_id, key, rep.slack_id, text, blocks):
                queued += 1
    sent, failed = deps.sender.flush(deps.db, team_id=team_id)
    uploaded = 0
    for key, channel, png, title in charts:
        try:
            deps.client.files_upload_v2(
                channel=channel, file=png, filename=f"{key.replace(':', '-')}.png", title=title
            )
        except (SlackApiError, OSError) as exc:
            failed += 1  # not recorded: the next run (or the deliver-outbox retry) tries again
            log.warning("digest chart for %s failed: %s", channel, exc)
            continue
        with deps.db.session() as session:
            session.add(
                Delivery(
                    team_id=team_id,
                    key=key,
                    channel=channel,
                    text=title,
                    status="sent",
                    attempts=1,
                    sent_at=utcnow(),
                )
            )
        uploaded += 1
    return (
        f"week {week.key}: {queued} digest(s) queued, {sent} sent, {uploaded} chart(s), "
        f"{failed} failed (retried later)"
    )


def _recorded(session: Session, team_id: str, key: str) -> bool:
    found = session.exec(
        select(Delivery.id).where(Delivery.team_id == team_id, Delivery.key == key)
    ).first()
    return found is not None


def _movers(
    session: Session, config: AppConfig, team_id: str, week: Period, members: list[User]
) -> list[Mover]:
    """Biggest rises in the weekly composite, the week before -> the week just ended."""
    ids = [u.id for u in members if u.id is not None]
    now = scorecard.composites(session, config, team_id, week, ids)
    before = scorecard.composites(session, config, team_id, week.previous(), ids)
    by_id = {u.id: u for u in members}
    deltas = [
        Mover(by_id[uid], score - before.get(uid, 0.0))
        for uid, score in now.items()
        if score - before.get(uid, 0.0) > 0.0005
    ]
    deltas.sort(key=lambda m: (-m.delta, m.user.name))
    return deltas[:MOVERS]
