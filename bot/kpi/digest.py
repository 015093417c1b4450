"""The weekly KPI digest (job `weekly-digest`): each configured team channel gets its
leaderboard month to date, team attainment per metric, the week's biggest movers and a bar
chart; each rep gets their own scorecard by DM in their language with one next step.

It reports the last complete week (Monday to Sunday, workspace time) before the run. Whether
a week is done is decided by the database, not by the scheduler's next run time: one
transaction writes the week's `digest_runs` row with all its outbox rows (messages keyed
`digest:<week>:<recipient>`, charts `digest-chart:<week>:<channel>`), so a crash before the
commit queues it again and a second run queues nothing. The deliver-outbox tick queues a due
digest that is not queued yet (`queue_due`), so a crash or downtime at the scheduled time
only delays it; the outbox retries failed messages and uploads alike."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.core.blocks import Block, stack
from bot.core.config import WEEKDAYS, AppConfig
from bot.core.deps import Deps, each_workspace
from bot.core.periods import Period, containing, local_date, local_time, working_days
from bot.core.sender import Outgoing
from bot.core.workspace import Workspace
from bot.feedback import service as feedback
from bot.i18n.audience import team_locales
from bot.kpi import scheme_news, scorecard
from bot.kpi.chat import named
from bot.kpi.digest_views import Tip, WeekFeedback, WeekKudos, rep_digest, team_digest
from bot.kudos import service as kudos
from bot.org import hours
from bot.org.directory import locale_of
from bot.org.teams import team_name
from storage.db import Database
from storage.models.core import DigestRun, User

MOVERS = 3
TOP_VALUES = 3

# A line another feature adds to a rep's DM (e.g. their open review tasks), or None. The
# registry (bot/features.py) hands them in: the KPI package imports no feature that adds one.
RepNote = Callable[[Session, Workspace, User, str], str | None]


@dataclass(frozen=True)
class Mover:
    user: User
    delta: float  # change in the weekly composite, week before -> last week


def report_week(config: AppConfig, as_of: datetime) -> tuple[date, Period, Period]:
    """(last day covered, the last complete week before `as_of`, its month): on any day of a
    week, the week before it, so a manual run never uses up the coming scheduled one."""
    local = local_date(as_of, config.workspace.timezone)
    last_day = local - timedelta(days=local.weekday() + 1)  # the Sunday before this week
    return last_day, containing("week", last_day), containing("month", last_day)


def scheduled_at(config: AppConfig, now: datetime) -> datetime:
    """When the digest runs in the week of `now`: `[digest]` weekday and time, workspace time."""
    local = local_date(now, config.workspace.timezone)
    day = local + timedelta(days=WEEKDAYS.index(config.digest.weekday) - local.weekday())
    hour, minute = config.digest.time.split(":")
    return local_time(day, int(hour), int(minute), config.workspace.timezone)


def rep_time(config: AppConfig, rep: User, as_of: datetime) -> datetime:
    """When a rep's digest DM may go out: `[digest] time` in the rep's own time zone on the
    digest's day of the week of `as_of` (the rep's next working day if that is their weekend,
    past their quiet hours); team posts keep the workspace time."""
    local = local_date(as_of, config.workspace.timezone)
    day = local + timedelta(days=WEEKDAYS.index(config.digest.weekday) - local.weekday())
    return hours.window_of(rep, config).at(day, config.digest.time)


def kudos_of_week(
    session: Session, config: AppConfig, members: list[User], week: Period, locale: str
) -> WeekKudos:
    since, until = week.bounds(config.workspace.timezone)
    count, per_value = kudos.received_between(
        session, [u.id for u in members if u.id is not None], since, until
    )
    top = sorted(per_value.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_VALUES]
    return WeekKudos(count, [(kudos.value_label(config, key, locale), n) for key, n in top])


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


def weekly_digest(deps: Deps, as_of: datetime, notes: Sequence[RepNote] = ()) -> str:
    """The job: in each installed workspace, queue the digest of the last complete week
    before `as_of`, then send."""
    return each_workspace(deps, lambda ws: weekly_digest_in(ws, deps.db, as_of, notes))


def weekly_digest_in(
    ws: Workspace, db: Database, as_of: datetime, notes: Sequence[RepNote] = ()
) -> str:
    _, week, _ = report_week(ws.config, as_of)
    queued = queue_digest(ws, db, as_of, notes)
    sent, failed = ws.sender.flush(db, team_id=ws.team_id, as_of=as_of)
    done = (
        "already queued"
        if queued is None
        else f"{queued[0]} digest(s) and {queued[1]} chart(s) queued"
    )
    return f"week {week.key}: {done}, {sent} sent, {failed} failed (retried later)"


def queue_due(
    ws: Workspace, db: Database, now: datetime, notes: Sequence[RepNote] = ()
) -> str | None:
    """Queue this week's digest if its scheduled time has passed and it is not queued yet
    (after a crash or downtime at that time); what it queued, or None."""
    when = scheduled_at(ws.config, now)
    if now < when:
        return None
    _, week, _ = report_week(ws.config, when)
    queued = queue_digest(ws, db, when, notes)  # usually None at once: queued before
    if queued is None:
        return None
    return f"digest of week {week.key} caught up: {queued[0]} digest(s), {queued[1]} chart(s)"


def queue_digest(
    ws: Workspace, db: Database, as_of: datetime, notes: Sequence[RepNote] = ()
) -> tuple[int, int] | None:
    """Queue the week's team posts, charts and rep DMs in one transaction with its
    `digest_runs` row; (messages, charts) queued, or None when the week was queued before."""
    config, team_id = ws.config, ws.team_id
    _, week, month = report_week(config, as_of)
    queued = charts = 0
    with db.session() as session:
        if not _claim_week(session, team_id, week):
            return None
        for name in config.teams:
            posts, pictures = _queue_team(ws, session, name, week, month)
            queued, charts = queued + posts, charts + pictures
        # every rep with numbers, whether or not their team has a channel configured
        reps = session.exec(
            select(User).where(
                User.team_id == team_id,
                User.role == "rep",
                User.is_bot == False,  # noqa: E712
                User.deactivated == False,  # noqa: E712
            )
        ).all()
        session.info[scheme_news.DIGEST_WEEK] = week  # for the notes about the week
        got_digest = _queue_reps(ws, session, list(reps), as_of, notes)
        queued += got_digest.queued
        # the week's scheme changes, to the reps and managers who got no digest DM
        queued += scheme_news.queue_announcements(ws, session, week, as_of, got_digest.reps)
    return queued, charts


@dataclass(frozen=True)
class _RepDigests:
    reps: set[int]  # who has numbers, so gets a digest DM
    queued: int  # DMs queued now (not queued before)


def _queue_reps(
    ws: Workspace, session: Session, reps: list[User], as_of: datetime, notes: Sequence[RepNote]
) -> _RepDigests:
    """Every rep's DM with their scorecards of the month and the week: the numbers every rep
    shares (ranks, the week's feedback) are computed once for all, the DMs queued in a few
    set-based statements (the job flushes them)."""
    config, team_id = ws.config, ws.team_id
    last_day, week, month = report_week(config, as_of)
    today = local_date(as_of, config.workspace.timezone)  # compared as /kpi would today
    cards = scorecard.scorecards(session, config, team_id, reps, month, today)
    with_data = [r for r in reps if r.id is not None and cards[r.id].has_data]
    week_cards = scorecard.scorecards(session, config, team_id, with_data, week)
    since, until = week.bounds(config.workspace.timezone)
    ids = [r.id for r in with_data if r.id is not None]
    praised = kudos.received_per_person(session, team_id, since, until)  # everyone's: one query
    received = feedback.received_counts_of(session, ids, since, until)
    rows: list[Outgoing] = []
    for rep in with_data:
        assert rep.id is not None
        card, locale = cards[rep.id], locale_of(rep, config)
        text, blocks = rep_digest(
            card=named(card, config, locale),
            week_card=week_cards[rep.id],
            tip=next_step(card, last_day),
            feedback=WeekFeedback(praised.get(rep.id, 0), received.get(rep.id, {})),
            locale=locale,
            notes=[n for note in notes if (n := note(session, ws, rep, locale))],
        )
        key = f"digest:{week.key}:{rep.slack_id}"
        rows.append(Outgoing(key, rep.slack_id, text, blocks, rep_time(config, rep, as_of)))
    made = ws.sender.enqueue_many(session, team_id, rows)
    return _RepDigests(set(ids), made)


def _queue_team(
    ws: Workspace, session: Session, name: str, week: Period, month: Period
) -> tuple[int, int]:
    """The team channel's post and, when anyone is ranked, its chart: (posts, charts) queued."""
    config, team_id, channel = ws.config, ws.team_id, ws.config.teams[name].channel
    members = session.exec(
        select(User).where(
            User.team_id == team_id,
            User.team == name,
            User.is_bot == False,  # noqa: E712
            User.deactivated == False,  # noqa: E712
        )
    ).all()
    if not members or not channel:
        return 0, 0
    board = scorecard.leaderboard(session, config, team_id, month, team=name)
    text, blocks = _team_post(ws, session, name, list(members), board, week, month)
    posts = ws.sender.enqueue(
        session, team_id, f"digest:{week.key}:{channel}", channel, text, blocks
    )
    if not board:
        return int(posts is not None), 0
    from bot.kpi.charts import attainment_chart, chart_title

    locales = team_locales(config, name)
    title = chart_title(config, name, month, locales)
    by_id = {u.id: u for u in members}
    png = attainment_chart(
        [(by_id[s.user_id].name, s.composite) for s in board if s.user_id in by_id],
        title,
        locales,
    )
    key = f"digest-chart:{week.key}:{channel}"  # after the post, so it follows it in the channel
    chart = ws.sender.enqueue(
        session,
        team_id,
        key,
        channel,
        title.replace("\n", " / "),
        None,
        file=png,
        file_name=f"{key.replace(':', '-')}.png",
    )
    return int(posts is not None), int(chart is not None)


def _team_post(
    ws: Workspace,
    session: Session,
    name: str,
    members: list[User],
    board: list[scorecard.Standing],
    week: Period,
    month: Period,
) -> tuple[str, list[Block]]:
    """The team channel's post in the team's language(s) (`[teams.<key>] locale`; one card
    with both when "bilingual"), the team shown by its name in each."""
    config, team_id = ws.config, ws.team_id
    ids = [u.id for u in members if u.id is not None]
    movers = [(m.user.slack_id, m.delta) for m in _movers(session, config, team_id, week, members)]
    attainment = scorecard.team_attainment(session, config, team_id, month, ids)
    return stack(
        [
            team_digest(
                team=team_name(config, name, locale),
                month=month,
                week=week,
                board=board,
                attainment=attainment,
                metrics=config.metrics,
                movers=movers,
                kudos=kudos_of_week(session, config, members, week, locale),
                locale=locale,
            )
            for locale in team_locales(config, name)
        ]
    )


def _claim_week(session: Session, team_id: str, week: Period) -> bool:
    """Record the week as queued; False if it was (its primary key decides, so two runs at
    once queue it once: the second waits for the first's commit, then finds the row)."""
    if session.get(DigestRun, (team_id, week.key)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(DigestRun(team_id=team_id, week=week.key))
    except IntegrityError:
        return False
    return True


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
