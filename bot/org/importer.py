"""`salespulse org import`: the org directory from CSV or XLSX, all or nothing.

Every row is validated against the file and the existing directory before anything is
written; any bad row rejects the file with every problem listed by line number."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from bot.core.config import normalize_locale
from bot.core.tabular import ImportResult, clip, read_table, require_columns, shown
from storage.models.core import ROLES, User
from storage.types import utcnow

REQUIRED = ("slack_id", "name", "email", "team", "manager", "role")
OPTIONAL = ("title", "level", "hire_date", "timezone", "locale")
SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# the columns stored as given, and the lengths their table columns allow
MAX_LENGTHS = {
    name: User.__table__.c[name].type.length  # type: ignore[attr-defined]
    for name in ("slack_id", "name", "email", "team", "title", "level", "timezone")
}


@dataclass
class OrgImportResult(ImportResult):
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class _Row:
    line: int
    slack_id: str
    fields: dict[str, object]
    manager_ref: str


def _parse(line: int, raw: dict[str, str], errors: list[tuple[int, str]]) -> _Row | None:
    problems = [
        f"{name} is longer than {limit} characters"
        for name, limit in MAX_LENGTHS.items()
        if len(raw.get(name) or "") > limit
    ]
    slack_id = raw["slack_id"].upper()
    if not SLACK_ID.match(slack_id):
        problems.append(f"slack_id {shown(raw['slack_id'])} is not a Slack user id like U012ABC")
    if not raw["name"]:
        problems.append("name is empty")
    email = raw["email"].lower()
    if email and not EMAIL.match(email):
        problems.append(f"email {shown(raw['email'])} is not an email address")
    role = raw["role"].lower()
    if role not in ROLES:
        problems.append(f"role {shown(raw['role'])} must be one of {', '.join(ROLES)}")
    hire_date = None
    if raw.get("hire_date"):
        try:
            hire_date = date.fromisoformat(raw["hire_date"])
        except ValueError:
            problems.append(f"hire_date {shown(raw['hire_date'])} is not a date like 2024-03-01")
    tz = raw.get("timezone") or None
    if tz:
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
            problems.append(f"timezone {shown(tz)} is not an IANA time zone like Asia/Shanghai")
    locale = raw.get("locale") or None
    if locale and not locale.lower().startswith(("zh", "en")):
        problems.append(f"locale {shown(locale)} must be zh-CN or en-US")
    errors.extend((line, p) for p in problems)
    if problems:
        return None
    fields: dict[str, object] = {
        "name": raw["name"],
        "email": email or None,
        "team": raw["team"] or None,
        "role": role,
        "title": raw.get("title") or None,
        "level": raw.get("level") or None,
        "hire_date": hire_date,
        "timezone": tz,
        "locale": normalize_locale(locale),
    }
    return _Row(line, slack_id, fields, raw["manager"].strip())


def import_org(
    session: Session,
    team_id: str,
    path: Path,
    *,
    progress: Callable[[Iterable], Iterable] = lambda rows: rows,
) -> OrgImportResult:
    """Validate the whole file, then upsert it in the caller's transaction. On errors nothing
    is written and `result.errors` lists (line, problem)."""
    header, raw_rows = read_table(path)
    require_columns(header, REQUIRED)
    result = OrgImportResult()
    rows = _unique_rows(progress(raw_rows), result.errors)
    existing = {u.slack_id: u for u in session.exec(select(User).where(User.team_id == team_id))}
    _check_email_owners(rows, existing, result.errors)
    manager_of = _resolve_managers(rows, existing, result.errors)
    for row in rows:
        cycle = _cycle_through(row.slack_id, manager_of)
        if cycle:
            result.errors.append((row.line, f"manager cycle: {' -> '.join(cycle)}"))
    if result.errors:
        result.errors.sort()
        return result
    _write(session, team_id, rows, existing, manager_of, result)
    return result


def _unique_rows(
    raw_rows: Iterable[tuple[int, dict[str, str]]], errors: list[tuple[int, str]]
) -> list[_Row]:
    """The valid rows, each slack_id and email once (a repeat is an error on its line)."""
    rows: list[_Row] = []
    seen_ids: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for line, raw in raw_rows:
        row = _parse(line, raw, errors)
        if row is None:
            continue
        if row.slack_id in seen_ids:
            errors.append(
                (line, f"duplicate slack_id {row.slack_id} (also on line {seen_ids[row.slack_id]})")
            )
            continue
        email = row.fields["email"]
        if email and email in seen_emails:
            errors.append(
                (line, f"duplicate email {clip(str(email))} (also on line {seen_emails[email]})")
            )
            continue
        seen_ids[row.slack_id] = line
        if email:
            seen_emails[str(email)] = line
        rows.append(row)
    return rows


def _resolve_managers(
    rows: list[_Row], existing: dict[str, User], errors: list[tuple[int, str]]
) -> dict[str, str | None]:
    """Each person's manager slack_id after the import: the file's rows by slack_id or email
    (the file's or the directory's), everyone else's as the directory has it."""
    slack_id_of = {u.id: u.slack_id for u in existing.values()}
    by_email = {u.email: u.slack_id for u in existing.values() if u.email}
    by_email.update({str(r.fields["email"]): r.slack_id for r in rows if r.fields["email"]})
    known_ids = set(existing) | {row.slack_id for row in rows}
    manager_of = {sid: slack_id_of.get(u.manager_id) for sid, u in existing.items()}
    for row in rows:
        ref = row.manager_ref
        target = by_email.get(ref.lower()) if "@" in ref else (ref.upper() or None)
        if ref and target not in known_ids:
            errors.append(
                (
                    row.line,
                    f"manager {shown(ref)} is not a slack_id or email in the file or directory",
                )
            )
        elif target == row.slack_id:
            errors.append((row.line, "a person cannot be their own manager"))
        else:
            manager_of[row.slack_id] = target
    return manager_of


def _check_email_owners(
    rows: list[_Row], existing: dict[str, User], errors: list[tuple[int, str]]
) -> None:
    """An email names one person: KPI facts and managers are matched by it. People the file
    lists may swap emails; everyone else keeps theirs."""
    listed = {row.slack_id for row in rows}
    owner = {u.email.lower(): u for u in existing.values() if u.email and u.slack_id not in listed}
    for row in rows:
        other = owner.get(str(row.fields["email"] or ""))
        if other is not None:
            who = f"{other.slack_id} ({clip(other.name)})"
            email = clip(str(row.fields["email"]))
            errors.append((row.line, f"email {email} belongs to {who} already"))


def _write(
    session: Session,
    team_id: str,
    rows: list[_Row],
    existing: dict[str, User],
    manager_of: dict[str, str | None],
    result: OrgImportResult,
) -> None:
    now = utcnow()
    users = dict(existing)
    changed: set[str] = set()
    for row in rows:
        user = users.get(row.slack_id)
        if user is None:
            user = User(team_id=team_id, slack_id=row.slack_id, source="org", **row.fields)  # type: ignore[arg-type]
            users[row.slack_id] = user
            result.created += 1
        elif user.source != "org" or any(getattr(user, k) != v for k, v in row.fields.items()):
            for key, value in row.fields.items():
                setattr(user, key, value)
            user.source = "org"
            changed.add(row.slack_id)
        session.add(user)
    session.flush()  # ids for new rows, so managers can point at them
    for row in rows:
        user = users[row.slack_id]
        target = manager_of[row.slack_id]
        manager_id = users[target].id if target else None
        if user.manager_id != manager_id:
            user.manager_id = manager_id
            if row.slack_id in existing:
                changed.add(row.slack_id)
        if row.slack_id in changed:
            user.updated_at = now
    session.flush()
    result.updated = len(changed)
    result.unchanged = len(rows) - result.created - result.updated


def _cycle_through(start: str, manager_of: dict[str, str | None]) -> list[str]:
    """The cycle as [start, ..., start] when following managers from `start` comes back."""
    path = [start]
    current = manager_of.get(start)
    while current is not None and len(path) <= len(manager_of):
        path.append(current)
        if current == start:
            return path
        current = manager_of.get(current)
    return []
