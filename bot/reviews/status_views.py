"""Block Kit for `/review` (my open tasks; a manager's team: who is done, who is late) and
`/review status` (HR: completion by team with percentages). Pure functions of plain values;
the CLI prints the same lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.core.blocks import MAX_MESSAGE_BLOCKS, Block, context, header, message, section
from bot.i18n import fmt_date, fmt_percent, t
from bot.kpi.views import list_blocks
from bot.reviews.task_views import TaskRow, task_blocks, task_line

TASKS_IN_REPLY = 20  # task sections in one /review reply; the rest "…and N more"
TEAM_SECTIONS = 5  # sections of person lines per cycle (hundreds of people), then "…and N more"
TEAM_LINES_IN_TEXT = 40  # person lines in the notification text


@dataclass(frozen=True)
class Count:
    """Tasks of a person or a team: done, still open (of which `late` after the due date)."""

    name: str  # a Slack mention for a person, a team's display name ("" for the total)
    done: int
    open: int
    late: int

    @property
    def total(self) -> int:
        return self.done + self.open


@dataclass(frozen=True)
class CycleCounts:
    name: str
    due: date
    rows: list[Count]


def person_line(row: Count, locale: str) -> str:
    if row.open == 0:
        key = "reviews.status.person_done"
    elif row.late:
        key = "reviews.status.person_late"
    else:
        key = "reviews.status.person_open"
    return t(
        key, locale, who=row.name, done=row.done, total=row.total, open=row.open, late=row.late
    )


def share(row: Count, locale: str) -> str:
    if not row.total:
        return t("value.none", locale)
    return fmt_percent(Decimal(row.done) / Decimal(row.total), locale)


def team_line(row: Count, locale: str) -> str:
    key = "reviews.status.team_line" if row.name else "reviews.status.total_line"
    return t(
        key,
        locale,
        team=row.name,
        done=row.done,
        total=row.total,
        pct=share(row, locale),
        open=row.open,
        late=row.late,
    )


def my_reviews(rows: list[TaskRow], team: list[CycleCounts], locale: str) -> dict:
    """`/review`: my open tasks with their buttons, then (managers) each cycle's team."""
    blocks: list[Block] = [header(t("reviews.tasks.list_title", locale))]
    if rows:
        blocks.extend(task_blocks(rows, locale, TASKS_IN_REPLY))
        lines = [task_line(row, locale) for row in rows[:TASKS_IN_REPLY]]
    else:
        lines = [t("reviews.tasks.none_open", locale)]
        blocks.append(section(lines[0]))
    for cycle in team:
        title = t(
            "reviews.status.team_title", locale, cycle=cycle.name, due=fmt_date(cycle.due, locale)
        )
        people = [person_line(row, locale) for row in cycle.rows]
        blocks.append(section(f"*{title}*"))
        blocks.extend(list_blocks(people, locale, TEAM_SECTIONS))
        lines.extend([title, *people[:TEAM_LINES_IN_TEXT]])
    text = t("reviews.tasks.list_title", locale) + "\n" + "\n".join(lines)
    return message(text, blocks[:MAX_MESSAGE_BLOCKS])


def status_lines(cycle: CycleCounts, locale: str) -> list[str]:
    title = t("reviews.status.title", locale, cycle=cycle.name, due=fmt_date(cycle.due, locale))
    return [title, *(team_line(row, locale) for row in cycle.rows)]


def status_message(cycle: CycleCounts, locale: str) -> dict:
    title, *lines = status_lines(cycle, locale)
    blocks = [
        header(title),
        section("\n".join(lines)),
        context(t("reviews.status.note", locale)),
    ]
    return message(f"{title}\n" + "\n".join(lines), blocks)
