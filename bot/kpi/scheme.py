"""The KPI scheme in the open: every metric configuration the bot started with is recorded
(`kpi_config_versions`), its history is data (what changed between consecutive versions),
and a period is scored with the scheme in force at its end (`in_force`), so a weight change
never re-scores the past.

`in_force` is applied at the bottom of KPI scoring (bot.kpi.ranking, bot.kpi.scorecard), so
every caller (/kpi, the digest, Home, exports, reviews, growth, awards) gets it unchanged."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from bot.core.config import AppConfig, MetricConfig
from bot.core.periods import Period, local_date
from storage.models.kpi import KpiConfigVersion
from storage.types import utcnow

log = logging.getLogger(__name__)

# what a change of the scheme is made of, in the order it is shown
FIELDS = ("weight", "higher_is_better", "unit", "decimals", "aggregate", "label_en", "label_zh")
_CACHE = "kpi.scheme_versions"


def metric_config_digest(config: AppConfig) -> str:
    """The one fingerprint of the metric configuration (keys, aggregates, directions,
    weights...): stored rankings and the config history both key on it."""
    return _digest_of([m.model_dump() for m in config.metrics])


def _digest_of(metrics: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(metrics, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class FieldChange:
    key: str  # the metric
    field: str  # one of FIELDS
    old: Any
    new: Any


@dataclass(frozen=True)
class Diff:
    added: list[MetricConfig] = field(default_factory=list)
    removed: list[MetricConfig] = field(default_factory=list)
    changed: list[FieldChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True)
class Version:
    """One recorded scheme: when the bot first started with it, and its metrics."""

    id: int
    seen_at: datetime
    digest: str
    metrics: list[MetricConfig]
    diff: Diff | None = None  # from the previous version; None for the first one


@dataclass(frozen=True)
class SchemeUsed:
    """The earlier scheme a period was scored with: since when (workspace date), its metrics."""

    since: date
    metrics: list[MetricConfig]


def diff(old: list[MetricConfig], new: list[MetricConfig]) -> Diff:
    """Metrics added and removed, and per kept metric each field that changed (old -> new)."""
    before = {m.key: m for m in old}
    after = {m.key: m for m in new}
    changed = [
        FieldChange(m.key, name, getattr(before[m.key], name), getattr(m, name))
        for m in new
        if m.key in before
        for name in FIELDS
        if getattr(before[m.key], name) != getattr(m, name)
    ]
    return Diff(
        added=[m for m in new if m.key not in before],
        removed=[m for m in old if m.key not in after],
        changed=changed,
    )


def _metrics(stored: list[dict[str, Any]]) -> list[MetricConfig]:
    return [MetricConfig.model_validate(m) for m in stored]


def history(session: Session, team_id: str) -> list[Version]:
    """Every recorded version, oldest first, each with its differences from the previous."""
    cache = session.info.setdefault(_CACHE, {})
    if team_id in cache:
        return list(cache[team_id])
    rows = session.exec(
        select(KpiConfigVersion)
        .where(KpiConfigVersion.team_id == team_id)
        .order_by(KpiConfigVersion.seen_at, KpiConfigVersion.id)  # type: ignore[arg-type]
    ).all()
    versions: list[Version] = []
    for row in rows:
        assert row.id is not None
        metrics = _metrics(row.metrics)
        change = diff(versions[-1].metrics, metrics) if versions else None
        versions.append(Version(row.id, row.seen_at, row.digest, metrics, change))
    cache[team_id] = versions
    return list(versions)


def current(session: Session, team_id: str) -> Version | None:
    found = history(session, team_id)
    return found[-1] if found else None


def last_change(session: Session, team_id: str) -> Version | None:
    """The newest version that changed something (not the first one recorded)."""
    return next((v for v in reversed(history(session, team_id)) if v.diff is not None), None)


def version_at(session: Session, config: AppConfig, team_id: str, period: Period) -> Version | None:
    """The version in force at the end of `period`, or None when that is the current scheme
    (a period in progress, or no change recorded since it ended): the latest version seen by
    the period's last instant (workspace time), the earliest one for an older period."""
    versions = history(session, team_id)
    if not versions:
        return None
    end = period.bounds(config.workspace.timezone)[1]
    if versions[-1].seen_at <= end:
        return None
    earlier = [v for v in versions if v.seen_at <= end]
    chosen = earlier[-1] if earlier else versions[0]
    if chosen.digest == metric_config_digest(config):
        return None
    return chosen


def used_for(
    session: Session, config: AppConfig, team_id: str, period: Period
) -> SchemeUsed | None:
    """What a scorecard of `period` says it was scored with (None: the current scheme)."""
    version = version_at(session, config, team_id, period)
    if version is None:
        return None
    return SchemeUsed(local_date(version.seen_at, config.workspace.timezone), version.metrics)


def in_force(session: Session, config: AppConfig, team_id: str, period: Period) -> AppConfig:
    """`config` with the metrics in force at the end of `period` (itself when current)."""
    version = version_at(session, config, team_id, period)
    if version is None:
        return config
    return config.model_copy(update={"metrics": version.metrics})


def _lock(session: Session, team_id: str) -> None:
    """One recorder at a time per workspace, until the transaction ends (two replicas
    starting together record a new scheme once)."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"kpi_config:{team_id}".encode()).digest()[:8])
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key - 2**63})
    else:  # SQLite has one writer at a time: an empty write takes that lock now
        conn.exec_driver_sql("DELETE FROM kpi_config_versions WHERE 0")


def record(
    session: Session, team_id: str, config: AppConfig, now: datetime | None = None
) -> Version | None:
    """Remember the metric configuration the bot starts with; the new version when it differs
    from the last one recorded (None when unchanged)."""
    _lock(session, team_id)
    metrics = [m.model_dump() for m in config.metrics]
    digest = metric_config_digest(config)
    last = session.exec(
        select(KpiConfigVersion)
        .where(KpiConfigVersion.team_id == team_id)
        .order_by(KpiConfigVersion.seen_at.desc(), KpiConfigVersion.id.desc())  # type: ignore[attr-defined,union-attr]
    ).first()
    if last is not None and last.digest == digest:
        return None
    row = KpiConfigVersion(team_id=team_id, digest=digest, metrics=metrics, seen_at=now or utcnow())
    session.add(row)
    session.flush()
    session.info.pop(_CACHE, None)
    if last is None:
        log.info("KPI metric config recorded (%s)", digest[:12])
    else:
        change = diff(_metrics(last.metrics), list(config.metrics))
        log.warning(
            "KPI metric config changed (%s -> %s, previous seen since %s): %d added, %d removed, "
            "%d field(s) changed; past periods keep the scheme in force at their end",
            last.digest[:12],
            digest[:12],
            last.seen_at.isoformat(),
            len(change.added),
            len(change.removed),
            len(change.changed),
        )
    return history(session, team_id)[-1]


def weights(metrics: list[MetricConfig]) -> dict[str, float]:
    """Each metric's share of the composite (0..1): its weight over the sum of weights."""
    total = sum(m.weight for m in metrics)
    return {m.key: (m.weight / total if total else 0.0) for m in metrics}


def changes_between(
    session: Session, team_id: str, start: datetime, end: datetime
) -> list[Version]:
    """Versions that changed the scheme (not the first one recorded) seen in [start, end]."""
    return [
        v for v in history(session, team_id) if v.diff is not None and start <= v.seen_at <= end
    ]
