"""Whole-workspace storage operations: the installed workspaces' list and the purge of every
row a workspace left behind (`salespulse workspace purge`)."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import MetaData, Table, delete, func, inspect, or_, select
from sqlmodel import Session, SQLModel, col

from storage import models
from storage.models.workspaces import Installation, SendPace, WorkspaceConfig

SCHEDULER_JOBS = "apscheduler_jobs"  # APScheduler's own table (not a model of ours)


class StillInstalled(Exception):
    """The workspace is installed: purging it would delete the data of a live workspace."""


@dataclass(frozen=True)
class WorkspaceRow:
    team_id: str
    name: str | None
    installed_at: datetime | None
    uninstalled_at: datetime | None
    own_config: str | None  # the imported config's source; None: the default file


def list_workspaces(session: Session) -> list[WorkspaceRow]:
    """Every installation, installed or not, with where its config comes from."""
    rows = session.execute(
        select(Installation, WorkspaceConfig.source, WorkspaceConfig.team_id)
        .outerjoin(WorkspaceConfig, col(WorkspaceConfig.team_id) == col(Installation.team_id))
        .order_by(Installation.team_id)
    ).all()
    return [
        WorkspaceRow(
            inst.team_id,
            inst.team_name,
            inst.installed_at,
            inst.uninstalled_at,
            (source or "imported") if config_team else None,
        )
        for inst, source, config_team in rows
    ]


def _team_tables() -> list[Table]:
    """Every table with a team_id, children before the parents their foreign keys name."""
    for module in pkgutil.iter_modules(models.__path__):  # every model module's tables
        importlib.import_module(f"{models.__name__}.{module.name}")
    return [t for t in reversed(SQLModel.metadata.sorted_tables) if "team_id" in t.c]


def purge_workspace(session: Session, team_id: str) -> dict[str, int]:
    """Delete every row of `team_id` in one transaction (the caller's); rows deleted per table.
    Refuses (StillInstalled) while the workspace is installed; the installation row is locked
    first, so a reinstall cannot slip in while the rows go."""
    installed = session.execute(
        select(Installation.team_id, Installation.uninstalled_at)
        .where(col(Installation.team_id) == team_id)
        .with_for_update()
    ).first()
    if installed is not None and installed.uninstalled_at is None:
        raise StillInstalled(team_id)
    counts: dict[str, int] = {}
    for table in _team_tables():
        counts[table.name] = session.execute(
            delete(table).where(table.c.team_id == team_id)
        ).rowcount
    counts[SendPace.__tablename__] = session.execute(
        delete(SendPace).where(
            or_(
                col(SendPace.key) == f"team:{team_id}",
                col(SendPace.key).startswith(f"channel:{team_id}:", autoescape=True),
            )
        )
    ).rowcount
    if inspect(session.connection()).has_table(SCHEDULER_JOBS):
        jobs = Table(SCHEDULER_JOBS, MetaData(), autoload_with=session.connection())
        counts[SCHEDULER_JOBS] = session.execute(
            delete(jobs).where(jobs.c.id.endswith(f"@{team_id}", autoescape=True))
        ).rowcount
    return {name: n for name, n in counts.items() if n}


def count_rows(session: Session, team_id: str) -> int:
    """Rows of `team_id` in every team table (tests and the purge's confirmation)."""
    return sum(
        session.execute(
            select(func.count()).select_from(t).where(t.c.team_id == team_id)
        ).scalar_one()
        for t in _team_tables()
    )
