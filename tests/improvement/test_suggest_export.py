"""`salespulse export suggestions`: every suggestion with its status, votes, reply and who
decided when; an anonymous one's author left empty; formula-looking cells neutralised; CSV
and XLSX, English and Chinese headers; bad arguments are one line and no file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.models.improvement import Suggestion
from tests.awards.export_support import read, run, toml
from tests.conftest import TEST_CONFIG

T = "T0001"
CREATED = datetime(2026, 11, 20, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai
DECIDED = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai


@pytest.fixture
def world(org, db, tmp_path, monkeypatch):
    people = org.standard()
    evil = org.person("UEVIL", "=cmd|' /C calc'!A0", handle="evil")
    with db.session() as s:
        s.add(
            Suggestion(
                team_id=T,
                author_id=people["alice"].id,
                text="Named idea",
                topic="kpi",
                public=True,
                votes=3,
                status="planned",
                reply="Next quarter",
                decided_by_id=people["hr"].id,
                decided_at=DECIDED,
                created_at=CREATED,
            )
        )
        s.add(
            Suggestion(
                team_id=T,
                author_id=people["bob"].id,
                text="Secret idea",
                topic="process",
                anonymous=True,
                created_at=CREATED,
            )
        )
        s.add(
            Suggestion(
                team_id=T,
                author_id=evil.id,
                text='=HYPERLINK("http://x","y")',
                topic="other",
                created_at=CREATED,
            )
        )
    (tmp_path / "salespulse.toml").write_text(toml(TEST_CONFIG), encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("SALESPULSE_CONFIG", str(tmp_path / "salespulse.toml"))
    monkeypatch.setenv("SALESPULSE_TEAM_ID", T)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    return people


def test_csv_in_english(world, tmp_path):
    out = tmp_path / "s.csv"
    result = run("suggestions", "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "exported 3 suggestion(s)" in result.output
    header, rows = read(out)
    assert header == ["id", "created", "topic", "status", "votes", "text", "reply", "author",
                      "decided_by", "decided_at"]  # fmt: skip
    assert rows[0] == ["1", "2026-11-20 10:30", "KPI scheme", "planned", "3", "Named idea",
                       "Next quarter", "Alice Wong", "Helen HR", "2026-11-24 16:00"]  # fmt: skip
    assert rows[1][7] == "" and rows[1][5] == "Secret idea"  # anonymous: no author
    assert "Bob" not in out.read_text(encoding="utf-8-sig")
    assert rows[2][5].startswith("'=HYPERLINK") and rows[2][7].startswith("'=cmd")


def test_xlsx_in_chinese(world, tmp_path):
    out = tmp_path / "s.xlsx"
    result = run("suggestions", "--format", "xlsx", "--output", str(out), "--lang", "zh")
    assert result.exit_code == 0, result.output
    header, rows = read(out)
    assert header[:5] == ["编号", "提出时间", "主题", "状态", "票数"]
    assert rows[0][2:4] == ["考核方案", "已计划"] and rows[1][2:4] == ["流程", "待处理"]
    assert rows[1][7] in ("", None)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--output", "x.csv"), "--format is needed"),
        (("--format", "pdf", "--output", "x.csv"), "--format 'pdf'"),
        (("--format", "csv"), "--output FILE is needed"),
        (("--format", "csv", "--output", "x.csv", "--lang", "fr"), "--lang 'fr'"),
    ],
)
def test_bad_arguments_are_one_line_and_no_file(world, tmp_path, monkeypatch, args, said):
    monkeypatch.chdir(tmp_path)
    result = run("suggestions", *args)
    assert result.exit_code == 1 and said in result.output
    assert not (tmp_path / "x.csv").exists()
