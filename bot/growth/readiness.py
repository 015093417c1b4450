"""Promotion readiness: where a person stands on each criterion of their level for the next
one. The one computation behind `/career`, `salespulse career readiness` and the demo.

Numbers are judged as they are shown (composite to a tenth of a percent, rating to one
decimal), so a card never says "90.0% of 90.0%: not met". Work is set-based: one
`composites` call per month for everyone, one query for the ratings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from bot.core.config import AppConfig
from bot.core.growth_config import CareerLevelConfig
from bot.core.periods import Period, containing
from bot.kpi.scorecard import composites
from bot.reviews.service import ManagerRating, any_closed_cycle, latest_manager_ratings
from storage.models.core import User

# A person's place on the ladder.
ON_LADDER, NO_LEVEL, UNKNOWN_LEVEL, TOP = "ok", "no_level", "unknown_level", "top"
COMPOSITE, RATING, TENURE = "composite", "rating", "tenure"
# Why a criterion has no number, or is not counted.
MISSING_MONTHS = "missing_months"  # some of the months have no composite
NOT_ASKED = "not_asked"  # no review cycle has closed in the workspace
NO_RATING = "no_rating"  # a closed cycle, but no submitted manager review of them
NO_HIRE_DATE = "no_hire_date"


@dataclass(frozen=True)
class Criterion:
    key: str  # composite | rating | tenure
    required: float | int
    value: float | int | None  # composite: a fraction (0.853); rating: 1 decimal; tenure: months
    met: bool
    counted: bool = True  # False: not asked yet (no review cycle has closed)
    problem: str | None = None  # why there is no value (see above)
    months: tuple[str, ...] = ()  # composite: the months averaged, oldest first
    have: int = 0  # composite: months of those with a composite
    cycle: str | None = None  # rating: the cycle it comes from


@dataclass(frozen=True)
class Readiness:
    user_id: int
    place: str  # ok | no_level | unknown_level | top
    level_key: str | None  # as the org import has it
    level: CareerLevelConfig | None
    next_level: CareerLevelConfig | None
    criteria: tuple[Criterion, ...] = field(default_factory=tuple)

    @property
    def ready(self) -> bool | None:
        """Every counted criterion met; None off the ladder or at its top."""
        if self.place != ON_LADDER:
            return None
        return all(c.met for c in self.criteria if c.counted)

    def criterion(self, key: str) -> Criterion | None:
        return next((c for c in self.criteria if c.key == key), None)


def complete_months(today: date, count: int) -> list[Period]:
    """The last `count` complete months before `today`'s month, oldest first."""
    months = [containing("month", today).previous()]
    while len(months) < count:
        months.insert(0, months[0].previous())
    return months


def tenure_months(hire_date: date, today: date) -> int:
    """Full months from `hire_date` to `today` (0 before a month has passed)."""
    months = (today.year - hire_date.year) * 12 + today.month - hire_date.month
    if today.day < hire_date.day:
        months -= 1
    return max(0, months)


def readiness(
    session: Session, config: AppConfig, team_id: str, people: Sequence[User], today: date
) -> dict[int, Readiness]:
    """{user id: their readiness on `today` (the workspace's local date)} for `people`."""
    placed: dict[int, tuple[CareerLevelConfig, CareerLevelConfig]] = {}
    result: dict[int, Readiness] = {}
    for person in people:
        assert person.id is not None
        level = config.career.level(person.level)
        nxt = config.career.level(level.next) if level is not None else None
        if level is not None and nxt is not None:
            placed[person.id] = (level, nxt)
            continue
        place = NO_LEVEL if not person.level else UNKNOWN_LEVEL if level is None else TOP
        result[person.id] = Readiness(person.id, place, person.level, level, None)
    scores = _composites(session, config, team_id, placed, today)
    rated = [uid for uid, (level, _) in placed.items() if level.min_review_rating is not None]
    ratings = latest_manager_ratings(session, team_id, rated) if rated else {}
    closed = any_closed_cycle(session, team_id) if rated else False
    spans = {n: complete_months(today, n) for n in {lv.months for lv, _ in placed.values()}}
    for person in people:
        if person.id not in placed:
            continue
        level, nxt = placed[person.id]
        criteria = []
        if level.min_composite is not None:
            months = spans[level.months]
            found = [scores[m.key][person.id] for m in months if person.id in scores[m.key]]
            criteria.append(_composite(level, months, found))
        if level.min_review_rating is not None:
            criteria.append(_rating(level.min_review_rating, ratings.get(person.id), closed))
        if level.min_tenure_months is not None:
            criteria.append(_tenure(level.min_tenure_months, person.hire_date, today))
        result[person.id] = Readiness(
            person.id, ON_LADDER, person.level, level, nxt, tuple(criteria)
        )
    return {p.id: result[p.id] for p in people if p.id is not None}


def _composites(
    session: Session,
    config: AppConfig,
    team_id: str,
    placed: dict[int, tuple[CareerLevelConfig, CareerLevelConfig]],
    today: date,
) -> dict[str, dict[int, float]]:
    """{month key: {user id: composite}}: one call per month for everyone who needs it."""
    needs = {
        uid: level.months for uid, (level, _) in placed.items() if level.min_composite is not None
    }
    if not needs:
        return {}
    months = complete_months(today, max(needs.values()))
    found: dict[str, dict[int, float]] = {}
    for back, month in enumerate(reversed(months)):  # back: 0 for last month
        ids = [uid for uid, count in needs.items() if count > back]
        found[month.key] = composites(session, config, team_id, month, ids)
    return found


def _composite(level: CareerLevelConfig, months: list[Period], found: list[float]) -> Criterion:
    assert level.min_composite is not None
    keys = tuple(m.key for m in months)
    value = round(sum(found) / len(found), 3) if found else None
    complete = len(found) == len(months)
    return Criterion(
        COMPOSITE,
        level.min_composite,
        value,
        met=complete and value is not None and value >= level.min_composite,
        problem=None if complete else MISSING_MONTHS,
        months=keys,
        have=len(found),
    )


def _rating(required: float, rating: ManagerRating | None, any_closed: bool) -> Criterion:
    if not any_closed:
        return Criterion(RATING, required, None, met=False, counted=False, problem=NOT_ASKED)
    if rating is None or rating.average is None:
        cycle = rating.cycle if rating is not None else None
        return Criterion(RATING, required, None, met=False, problem=NO_RATING, cycle=cycle)
    value = round(rating.average, 1)
    return Criterion(RATING, required, value, met=value >= required, cycle=rating.cycle)


def _tenure(required: int, hire_date: date | None, today: date) -> Criterion:
    if hire_date is None:
        return Criterion(TENURE, required, None, met=False, problem=NO_HIRE_DATE)
    months = tenure_months(hire_date, today)
    return Criterion(TENURE, required, months, met=months >= required)


# --- the HR export (salespulse career readiness) --------------------------------------------

COLUMNS = [
    "slack_id", "name", "team", "level", "next_level",
    "composite", "composite_required", "composite_met",
    "rating", "rating_required", "rating_met",
    "tenure_months", "tenure_required", "tenure_met", "ready",
]  # fmt: skip
_CRITERIA = (COMPOSITE, RATING, TENURE)


def reps(session: Session, team_id: str, team: str | None = None) -> list[User]:
    """Every active rep (not bots), by team and name; `team`: one sales team's key only."""
    query = select(User).where(
        User.team_id == team_id,
        User.role == "rep",
        User.is_bot == False,  # noqa: E712
        User.deactivated == False,  # noqa: E712
    )
    if team is not None:
        query = query.where(User.team == team)
    return sorted(session.exec(query).all(), key=lambda u: (u.team or "", u.name, u.slack_id))


def _met(c: Criterion | None) -> str:
    if c is None:
        return ""
    if not c.counted:
        return "not asked"
    return "yes" if c.met else "no"


def _ready(r: Readiness) -> str:
    if r.place != ON_LADDER:
        return {NO_LEVEL: "no level", UNKNOWN_LEVEL: "unknown level", TOP: "top level"}[r.place]
    return "yes" if r.ready else "no"


def export_row(person: User, r: Readiness) -> list[float | int | str | None]:
    """One rep's row of COLUMNS: the numbers `/career` shows (composite as a fraction)."""
    row: list[float | int | str | None] = [
        person.slack_id,
        person.name,
        person.team or "",
        person.level or "",
        r.next_level.key if r.next_level else "",
    ]
    for key in _CRITERIA:
        c = r.criterion(key)
        row += [c.value if c else None, c.required if c else None, _met(c)]
    row.append(_ready(r))
    return row
