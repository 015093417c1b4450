"""What the export and awards Home tests share: one config (the KPI fixture's metrics, company
values, two awards, and an east team whose English name looks like a formula) written as the
TOML the CLI reads, running `salespulse export ...`, reading its files back, and inserting the
awards and candidates Part D's flows write in production."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from openpyxl import load_workbook

from bot.core.config import AppConfig
from handlers.cli import cli
from storage.db import Database
from storage.models.awards import Award, AwardCandidates
from storage.models.core import User
from tests.conftest import TEST_CONFIG
from tests.support.kpi_fixture import METRICS

T = "T0001"
NOV_26 = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)  # Thursday, Nov 26 in Shanghai

RAW: dict[str, Any] = {
    **TEST_CONFIG,
    "teams": {
        "east": {"channel": "CEAST", "name_en": "+cmd", "name_zh": "华东"},
        "west": {"channel": "CWEST", "name_en": "West", "name_zh": "华西"},
    },
    "metrics": METRICS,
    "values": [
        {"key": "customer", "label_en": "Customer first", "label_zh": "客户第一"},
        {"key": "teamwork", "label_en": "Teamwork", "label_zh": "团队合作"},
    ],
    "awards": [
        {"key": "champion", "name_en": "Sales Champion", "name_zh": "销售冠军",
         "emoji": ":trophy:", "criterion": "composite", "prize_en": "A bonus"},
        {"key": "hunter", "name_en": "Customer Hunter", "name_zh": "客户猎手",
         "emoji": ":dart:", "criterion": "metric:revenue"},
    ],
}  # fmt: skip


def app_config(**extra: Any) -> AppConfig:
    return AppConfig.model_validate({**RAW, **extra})


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def toml(raw: dict[str, Any]) -> str:
    """A config dict as TOML (tables, tables of tables, arrays of tables, scalars)."""
    lines: list[str] = []
    for key, value in raw.items():
        if isinstance(value, list):
            for item in value:
                lines += [f"[[{key}]]", *(f"{k} = {_value(v)}" for k, v in item.items())]
        elif all(isinstance(v, dict) for v in value.values()):
            for name, table in value.items():
                lines += [f"[{key}.{name}]", *(f"{k} = {_value(v)}" for k, v in table.items())]
        else:
            lines += [f"[{key}]", *(f"{k} = {_value(v)}" for k, v in value.items())]
    return "\n".join(lines) + "\n"


def cli_env(monkeypatch: Any, db: Database, tmp_path: Path, raw: dict[str, Any] = RAW) -> None:
    """The environment `salespulse` reads: this test's database and config, no Slack token."""
    (tmp_path / "salespulse.toml").write_text(toml(raw), encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("SALESPULSE_CONFIG", str(tmp_path / "salespulse.toml"))
    monkeypatch.setenv("SALESPULSE_TEAM_ID", T)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["export", *args])


def read(path: Path) -> tuple[list[str], list[list[Any]]]:
    """(header, rows) of an export as a spreadsheet shows them (CSV cells as text)."""
    if path.suffix == ".csv":
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Chinese right
        header, *rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
        return header, rows
    sheet = load_workbook(path).active
    assert [c for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [str(h) for h in header], rows


def award(db: Database, winner: User, key: str, month: str, created: datetime = NOV_26) -> None:
    with db.session() as s:
        s.add(
            Award(
                team_id=T,
                award_key=key,
                month=month,
                winner_id=winner.id,
                reason="Best month",
                created_at=created,
            )
        )


def candidates(db: Database, month: str, awards: dict[str, list[dict[str, Any]]]) -> None:
    with db.session() as s:
        s.add(AwardCandidates(team_id=T, month=month, awards=awards))
