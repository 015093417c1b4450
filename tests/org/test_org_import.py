"""Org import: encodings, XLSX, validation with line numbers, all-or-nothing, idempotent upsert."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlmodel import select

from bot.org.importer import import_org
from handlers.cli import cli
from storage.models.core import User

HEADER = "slack_id,name,email,team,manager,role,title,level,hire_date,timezone,locale"
ROWS = [
    "UHEAD,Dora Director,dora@example.com,,,manager,VP Sales,M3,2019-01-02,Asia/Shanghai,zh-CN",
    "UEAST,Eric East,eric@example.com,east,UHEAD,manager,,M1,,,en-US",
    "UXW,王小明,xw@example.com,east,eric@example.com,rep,销售代表,P2,2024-03-01,,zh-CN",
    "UHR,Helen HR,helen@example.com,,,hr,,,,America/Los_Angeles,",
]


def write_csv(
    tmp_path: Path, rows: list[str], *, encoding: str = "utf-8", name: str = "org.csv"
) -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding))
    return path


def users(db) -> dict[str, User]:
    with db.session() as s:
        return {u.slack_id: u for u in s.exec(select(User))}


def run(db, path: Path):
    with db.session() as s:
        result = import_org(s, "T0001", path)
        if not result.ok:
            s.rollback()
    return result


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_imports_csv_in_every_encoding_chinese_windows_produces(db, tmp_path, encoding):
    result = run(db, write_csv(tmp_path, ROWS, encoding=encoding))
    assert (result.ok, result.created, result.updated) == (True, 4, 0)
    found = users(db)
    assert found["UXW"].name == "王小明" and found["UXW"].title == "销售代表"
    assert found["UXW"].manager_id == found["UEAST"].id  # manager given by email
    assert found["UEAST"].manager_id == found["UHEAD"].id
    assert found["UHEAD"].manager_id is None
    assert found["UHR"].timezone == "America/Los_Angeles" and found["UHR"].locale is None
    assert str(found["UXW"].hire_date) == "2024-03-01"


def test_imports_xlsx(db, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for row in ROWS:
        sheet.append([c or None for c in row.split(",")])
    path = tmp_path / "org.xlsx"
    book.save(path)
    result = run(db, path)
    assert (result.ok, result.created) == (True, 4)
    assert users(db)["UXW"].manager_id == users(db)["UEAST"].id


def test_reimport_is_idempotent_and_updates_changes(db, tmp_path):
    path = write_csv(tmp_path, ROWS)
    run(db, path)
    again = run(db, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    moved = [
        *ROWS[:2],
        ROWS[2].replace("eric@example.com", "UHEAD").replace(",P2,", ",P3,"),
        ROWS[3],
    ]
    third = run(db, write_csv(tmp_path, moved, name="org2.csv"))
    assert (third.created, third.updated, third.unchanged) == (0, 1, 3)
    found = users(db)
    assert found["UXW"].manager_id == found["UHEAD"].id and found["UXW"].level == "P3"
    assert len(found) == 4


def test_every_bad_row_reported_by_line_and_nothing_written(db, tmp_path):
    bad = [
        *ROWS,
        "UBAD1,Bad Role,b1@example.com,east,UEAST,boss,,,,,",  # line 6
        "UXW,Dup Id,dup@example.com,east,UEAST,rep,,,,,",  # line 7
        "UBAD2,No Manager,b2@example.com,east,UNOBODY,rep,,,,,",  # line 8
        "UBAD3,,b3@example.com,east,,rep,,,,,",  # line 9: no name
        "UBAD4,Bad Date,b4@example.com,east,,rep,,,2024-13-01,,",  # line 10
        "UBAD5,Bad Tz,b5@example.com,east,,rep,,,,Mars/Base,",  # line 11
        "nope,Bad Id,b6@example.com,east,,rep,,,,,",  # line 12
    ]
    result = run(db, write_csv(tmp_path, bad))
    lines = {line for line, _ in result.errors}
    assert lines == {6, 7, 8, 9, 10, 11, 12}
    text = "\n".join(f"{line}: {p}" for line, p in result.errors)
    assert "6: role 'boss' must be one of rep, manager, hr, admin" in text
    assert "7: duplicate slack_id UXW (also on line 4)" in text
    assert "8: manager 'UNOBODY' is not a slack_id or email" in text
    assert users(db) == {}


def test_manager_cycle_is_refused(db, tmp_path):
    cycle = [
        "UAA,A,a@example.com,east,UCC,manager,,,,,",
        "UBB,B,b@example.com,east,UAA,manager,,,,,",
        "UCC,C,c@example.com,east,UBB,manager,,,,,",
        "UDD,D,d@example.com,east,UAA,rep,,,,,",
    ]
    result = run(db, write_csv(tmp_path, cycle))
    assert {line for line, _ in result.errors} == {2, 3, 4}  # UD only reports to the cycle
    assert any("manager cycle: UAA -> UCC -> UBB -> UAA" in p for _, p in result.errors)
    assert users(db) == {}


def test_cycle_with_existing_directory_is_refused(db, tmp_path):
    run(db, write_csv(tmp_path, ROWS))
    flip = ["UHEAD,Dora Director,dora@example.com,,UXW,manager,,,,,"]
    result = run(db, write_csv(tmp_path, flip, name="flip.csv"))
    assert not result.ok and "manager cycle" in result.errors[0][1]
    assert users(db)["UHEAD"].manager_id is None


def test_missing_columns_is_a_clear_error(db, tmp_path):
    from bot.core.tabular import FileFormatError

    path = tmp_path / "org.csv"
    path.write_text("slack_id,name\nU1,A\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match="missing column\\(s\\): email, team, manager, role"):
        run(db, path)


def test_cli_reports_problems_with_file_and_line(db, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.chdir(tmp_path)
    bad = write_csv(tmp_path, [*ROWS, "UBAD1,Bad Role,b1@example.com,east,UEAST,boss,,,,,"])
    result = CliRunner().invoke(cli, ["org", "import", str(bad), "--team-id", "T0001"])
    assert result.exit_code == 1
    assert f"{bad}:6: role 'boss'" in result.output
    assert "1 problem(s); nothing was imported" in result.output
    good = write_csv(tmp_path, ROWS, name="good.csv")
    result = CliRunner().invoke(cli, ["org", "import", str(good), "--team-id", "T0001"])
    assert result.exit_code == 0, result.output
    assert "4 new, 0 updated, 0 unchanged" in result.output


def test_cli_needs_a_workspace_id_without_a_token(db, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["org", "import", str(write_csv(tmp_path, ROWS))])
    assert isinstance(result.exception, Exception)
    assert "--team-id" in str(result.exception)


@pytest.mark.parametrize("command", [["org", "import"], ["kpi", "import"], ["targets", "import"]])
def test_every_import_refuses_an_unreadable_file_with_one_line(db, tmp_path, monkeypatch, command):
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.chdir(tmp_path)
    pdf = tmp_path / "people.pdf"
    pdf.write_bytes(b"%PDF-1.7")
    result = CliRunner().invoke(cli, [*command, str(pdf), "--team-id", "T0001"])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {pdf}: unsupported file type '.pdf': use .csv or .xlsx"
    assert users(db) == {}
