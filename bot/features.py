"""The feature registry: one entry per feature, and everything that composes the app reads it.

Each feature declares its slash commands, its scheduled jobs, its App Home sections and the
TOML sections of the config it owns. Its Bolt listeners are registered by handlers/ (which
`bot` never imports): handlers/__init__.py maps each feature key to its listeners module, and
the demo maps feature keys to its seed functions. Adding a feature is one line in FEATURES
(see docs/architecture.md for the whole checklist)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot import jobs as core_jobs
from bot.awards import home as awards_home
from bot.awards import job as awards_job
from bot.awards import service as awards
from bot.core.blocks import Block
from bot.core.config import AppConfig
from bot.core.deps import Deps
from bot.core.workspace import Workspace
from bot.feedback import queries as feedback_queries
from bot.feedback import requests as feedback_requests
from bot.growth import plan as growth_plan
from bot.growth import service as growth
from bot.growth import suggestions as growth_suggestions
from bot.growth import training as growth_training
from bot.improvement import calibration as improvement_calibration
from bot.improvement import suggestions as improvement_suggestions
from bot.kpi import digest as kpi_digest
from bot.kpi import home as kpi_home
from bot.kpi import scheme_news as kpi_scheme_news
from bot.org import sync as org_sync
from bot.org.directory import Who
from bot.reviews import close as reviews_close
from bot.reviews import reminders as review_reminders
from bot.reviews import service as reviews
from bot.reviews import start as review_start
from bot.reviews import status as review_status


@dataclass(frozen=True)
class Command:
    name: str
    help_key: str  # i18n key of the one-line description in /pulse help and on Home
    manifest_description: str  # English, as shown in Slack's command picker
    usage_hint: str  # as in manifest.yml


@dataclass(frozen=True)
class Job:
    """Job functions are module-level, take (deps, as_of), return a one-line summary of what
    they did, and are idempotent by their own records, so a double run sends nothing twice."""

    id: str  # the APScheduler job id and the name for `salespulse jobs run`
    func: Callable[[Deps, datetime], str]
    trigger: Callable[[AppConfig], dict]  # APScheduler add_job trigger kwargs
    description: str


@dataclass(frozen=True)
class HomeSection:
    build: Callable[[Workspace, Session, Who], list[Block]]
    position: int  # Home shows sections by position, lowest first, whatever the feature order


@dataclass(frozen=True)
class Feature:
    key: str  # names its package (bot/<key>/), its listeners and its demo seed
    commands: tuple[Command, ...] = ()
    jobs: tuple[Job, ...] = ()
    home_sections: tuple[HomeSection, ...] = ()
    config_sections: tuple[str, ...] = ()  # top-level TOML sections (AppConfig fields) it owns
    listeners: bool = True  # has a listeners module in handlers/
    digest_notes: tuple[kpi_digest.RepNote, ...] = ()  # lines it adds to a rep's weekly digest
    summary_notes: tuple[reviews_close.SummaryNote, ...] = ()  # lines for a rep's review summary


def deliver_outbox(deps: Deps, as_of: datetime) -> str:
    """The core's deliver-outbox job, catching up a due digest with every feature's notes."""
    return core_jobs.deliver_outbox(deps, as_of, digest_notes())


def weekly_digest(deps: Deps, as_of: datetime) -> str:
    """The KPI digest job with the lines other features add to each rep's DM."""
    return kpi_digest.weekly_digest(deps, as_of, digest_notes())


def review_close(deps: Deps, as_of: datetime) -> str:
    """The review-close job with the lines other features add to each rep's summary."""
    return reviews_close.close_when_due(deps, as_of, summary_notes())


def _digest_trigger(config: AppConfig) -> dict:
    return {
        "trigger": "cron",
        "day_of_week": config.digest.weekday,
        "hour": int(config.digest.time[:2]),
        "minute": int(config.digest.time[3:]),
        "timezone": config.workspace.timezone,
    }


# In this order: /pulse help lists commands, Bolt registers listeners, the demo seeds.
FEATURES: tuple[Feature, ...] = (
    Feature(
        "core",
        jobs=(
            Job(
                "deliver-outbox",
                deliver_outbox,
                lambda config: {"trigger": "interval", "minutes": 1},
                "send due messages and files; queue a due digest not yet queued",
            ),
            Job(
                "housekeeping",
                core_jobs.housekeeping,
                lambda config: {"trigger": "cron", "hour": 3, "minute": 17},
                "prune old records",
            ),
        ),
        config_sections=("workspace", "channels"),
        listeners=False,  # its middleware and error handler are handlers/app.py itself
    ),
    Feature(
        "org",  # the directory; its listeners follow Slack's user_change
        jobs=(
            Job(
                "directory-sync",
                org_sync.directory_sync,
                lambda config: {
                    "trigger": "cron",
                    "hour": 4,
                    "minute": 41,
                    "timezone": config.workspace.timezone,
                },
                "Slack's language, time zone and deactivation for everyone in the directory",
            ),
        ),
        config_sections=("teams",),
    ),
    Feature(
        "pulse",
        commands=(
            Command(
                "/pulse",
                "help.pulse",
                "SalesPulse: help, who am I, language",
                "help | whoami | lang zh|en|auto",
            ),
        ),
    ),
    Feature("home"),  # app_home_opened; the page itself is composed from home_sections
    Feature(
        "kudos",
        commands=(
            Command(
                "/kudos",
                "help.kudos",
                "Praise colleagues in the recognition channel",
                "@alice @bob great demo! #teamwork",
            ),
        ),
        config_sections=("kudos", "values"),
    ),
    Feature(
        "feedback",
        commands=(
            Command(
                "/feedback",
                "help.feedback",
                "Give, ask for and see feedback",
                "[@user praise|correction|suggestion text] | request @a @b [for @rep] [about topic] | list | help",
            ),
        ),
        jobs=(
            Job(
                "feedback-reminders",
                feedback_requests.remind_and_expire,
                lambda config: {"trigger": "cron", "hour": 10, "minute": 5},
                "remind peers of unanswered feedback requests once, expire old ones",
            ),
        ),
        home_sections=(HomeSection(feedback_queries.home_section, position=20),),
        config_sections=("feedback",),
    ),
    Feature(
        "kpi",
        commands=(
            Command(
                "/kpi",
                "help.kpi",
                "Your KPI scorecard, a report's, or your team's ranking",
                "[week|month|quarter|year|2026-Q3] | @user [period] | team [name] [period] | help",
            ),
        ),
        jobs=(
            Job(
                "weekly-digest",
                weekly_digest,
                _digest_trigger,
                "weekly KPI digest: team channels and each rep",
            ),
        ),
        home_sections=(HomeSection(kpi_home.home_section, position=10),),
        digest_notes=(kpi_scheme_news.digest_note,),
        config_sections=("metrics", "digest"),
    ),
    Feature(
        "reviews",
        commands=(
            Command(
                "/review",
                "help.review",
                "Your review tasks; HR: start, close and follow review cycles",
                "[start | status [cycle] | close [cycle] | help]",
            ),
        ),
        jobs=(
            Job(
                "review-close",
                review_close,
                lambda config: {
                    "trigger": "cron",
                    "hour": 0,
                    "minute": 20,
                    "timezone": config.workspace.timezone,
                },
                "close review cycles due plus [reviews] close_after_days; send the summaries",
            ),
            Job(
                "review-recurring",
                review_start.open_recurring,
                lambda config: {
                    "trigger": "cron",
                    "hour": 0,
                    "minute": 23,
                    "timezone": config.workspace.timezone,
                },
                "open the configured recurring review cycles when their period nears its end",
            ),
            Job(
                "review-reminders",
                review_reminders.review_reminders,
                lambda config: {"trigger": "interval", "minutes": 15},
                "remind people of open review tasks at their own working hour; escalate late ones",
            ),
        ),
        home_sections=(HomeSection(review_status.home_section, position=5),),
        digest_notes=(reviews.digest_note,),
        config_sections=("reviews",),
    ),
    Feature(
        "growth",
        commands=(
            Command(
                "/training",
                "help.training",
                "Request training; see what your numbers suggest",
                "[course or topic] | new | list | help",
            ),
            Command(
                "/career",
                "help.career",
                "Your level, readiness for the next, guidance and development plan",
                "[@user] | plan [add text] | your question | help",
            ),
        ),
        jobs=(
            Job(
                "development-suggestions",
                growth_suggestions.development_suggestions,
                lambda config: {
                    "trigger": "cron",
                    "minute": 35,
                    "timezone": config.workspace.timezone,
                },
                "suggest a development goal for each weak metric of the month that ended or "
                "of a review cycle that closed, once per rep, metric and month",
            ),
        ),
        home_sections=(
            HomeSection(growth_plan.home_section, position=25),
            HomeSection(growth_training.home_section, position=30),
        ),
        summary_notes=(growth.completed_trainings_note,),
        config_sections=("training", "career", "growth"),
    ),
    Feature(
        "awards",
        commands=(
            Command(
                "/award",
                "help.award",
                "HR: announce an award with the numbers behind it",
                "@user award [YYYY-MM] reason | help",
            ),
        ),
        jobs=(
            Job(
                "award-candidates",
                awards_job.award_candidates,
                lambda config: {
                    "trigger": "cron",
                    "hour": 9,
                    "minute": 5,
                    "timezone": config.workspace.timezone,
                },
                "on the first working day of a month: each award's candidates for the month "
                "before, and HR's card to announce them",
            ),
        ),
        home_sections=(HomeSection(awards_home.home_section, position=35),),
        summary_notes=(awards.awards_note,),
        config_sections=("awards",),
    ),
    Feature(
        "improvement",
        commands=(
            Command(
                "/suggest",
                "help.suggest",
                "Suggest an improvement (anonymously if you like); see what became of it",
                "[your suggestion] | list | help",
            ),
        ),
        jobs=(
            Job(
                "scheme-review",
                improvement_calibration.scheme_review,
                lambda config: {
                    "trigger": "cron",
                    "hour": 9,
                    "minute": 15,
                    "timezone": config.workspace.timezone,
                },
                "on the first working day of a quarter: HR's calibration card of the KPI scheme "
                "for the quarter that ended",
            ),
        ),
        home_sections=(HomeSection(improvement_suggestions.home_section, position=40),),
    ),
)


def feature(key: str) -> Feature:
    return next(f for f in FEATURES if f.key == key)


def commands() -> tuple[Command, ...]:
    return tuple(c for f in FEATURES for c in f.commands)


def help_keys() -> tuple[str, ...]:
    return tuple(c.help_key for c in commands())


def jobs() -> tuple[Job, ...]:
    return tuple(j for f in FEATURES for j in f.jobs)


def find_job(job_id: str) -> Job | None:
    return next((job for job in jobs() if job.id == job_id), None)


def digest_notes() -> tuple[kpi_digest.RepNote, ...]:
    return tuple(note for f in FEATURES for note in f.digest_notes)


def summary_notes() -> tuple[reviews_close.SummaryNote, ...]:
    return tuple(note for f in FEATURES for note in f.summary_notes)


def home_sections() -> list[HomeSection]:
    return sorted((s for f in FEATURES for s in f.home_sections), key=lambda s: s.position)
