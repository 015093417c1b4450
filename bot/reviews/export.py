"""`salespulse review export`: a cycle's reviews as CSV (UTF-8 with a BOM, for Excel) or XLSX,
for HR (who see everything for export). One row per review task (self, manager, peer; the
nomination step is not a review) with its status, so what was never submitted shows too,
next to the reviewed person's scorecard of the cycle's period.

Every text cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-`,
`@`, a tab or a carriage return) is written with a leading `'`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlmodel import Session

from bot.core.config import AppConfig
from bot.core.tabular import Cell, neutral, write
from bot.kpi.scorecard import attainment, composites, metric_values
from bot.reviews import summaries
from storage.models.reviews import ReviewCycle

FORMATS = ("csv", "xlsx")


def header(config: AppConfig) -> list[str]:
    columns = ["cycle", "period", "person", "slack_id", "team", "reviewer_role", "reviewer"]
    columns += ["status", "submitted_at"]
    columns += [f"rating_{c.key}" for c in config.reviews.competencies]
    columns.append("comment")
    for m in config.metrics:
        columns += [f"{m.key}_actual", f"{m.key}_target", f"{m.key}_attainment"]
    columns.append("composite")
    return columns


def rows(session: Session, config: AppConfig, cycle: ReviewCycle) -> Iterator[list[Cell]]:
    data = summaries.load(session, cycle)
    ids = list(data.by_subject)
    values: dict[int, dict] = {}
    scores: dict[int, float] = {}
    if data.period is not None:
        values = metric_values(session, config, cycle.team_id, data.period, ids)
        scores = composites(session, config, cycle.team_id, data.period, ids)
    for task in data.tasks:
        if task.role not in summaries.REVIEW_ROLES:
            continue
        person = data.people.get(task.subject_id)
        reviewer = data.people.get(task.reviewer_id)
        row: list[Cell] = [cycle.name, cycle.period]
        row += [person.name if person else "", person.slack_id if person else ""]
        row += [(person.team if person else None) or "", task.role]
        row += [reviewer.name if reviewer else "", task.status]
        row.append(task.submitted_at.isoformat() if task.submitted_at else "")
        ratings = (task.ratings or {}) if task.status == "done" else {}
        row += [ratings.get(c.key) for c in config.reviews.competencies]
        row.append((task.comment or "") if task.status == "done" else "")
        facts = values.get(task.subject_id, {})
        for m in config.metrics:
            actual, target = facts.get(m.key, (None, None))
            ratio = attainment(m, actual, target)
            row += [actual, target, None if ratio is None else round(ratio, 4)]
        score = scores.get(task.subject_id)
        row.append(None if score is None else round(score, 4))
        yield [neutral(cell) for cell in row]


def export(session: Session, config: AppConfig, cycle: ReviewCycle, fmt: str, path: Path) -> int:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    return write(path, fmt, header(config), rows(session, config, cycle), sheet="reviews")
