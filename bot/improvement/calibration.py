"""Calibration of the KPI scheme with data: the quarterly `scheme-review` job and
`salespulse kpi calibration`."""

from __future__ import annotations

from datetime import datetime

from bot.core.deps import Deps


def scheme_review(deps: Deps, as_of: datetime) -> str:
    return "reviewed 0 quarter(s)"
