"""Hostile files through the real CLI: a workbook that lies about its size, one cell at the
far corner of a sheet, a megabyte cell, CSV fields past the csv module's limit, values and
dates no period can hold, oversized org fields, an email that belongs to someone else. Each
gets `file:line: problem` (values clipped) or is read whole, never a traceback; nothing of
a refused file is written."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlmodel import select

from handlers.cli import cli
from storage.models.core import User
from storage.models.kpi import KpiFact, KpiTarget

T = "T0001"
FACTS = "date,user,metric,value"
PROGRESS = re.compile(r" rows \[|rows/s")  # tqdm's lines on stderr


@pytest.fixture
def run(deps, org, tmp_path, monkeypatch):
    """`salespulse <args>` against the test database: (exit code, output lines but progress)."""
    org.standard()
    monkeypatch.setenv("DATABASE_URL", deps.db.url)
    monkeypatch.setenv("SALESPULSE_TEAM_ID", T)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str) -> tuple[int, list[str]]:
        result = CliRunner().invoke(cli, list(args))
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit
        ), result.exception
        lines = result.output.splitlines()
        return result.exit_code, [x for x in lines if x.strip() and not PROGRESS.search(x)]

    return invoke


def stored(deps, table):
    with deps.db.session() as s:
        return s.exec(select(table)).all()


def longest(lines: list[str], path: Path) -> int:
    """The longest output line, without the file name it starts with."""
    return max(len(line.removeprefix(f"{path}")) for line in lines)


def write_csv(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def workbook(tmp_path: Path, rows: list[list[object]], edit=None, name="facts.xlsx") -> Path:
    """An openpyxl-written workbook; `edit` rewrites its first sheet's XML, as a hostile or
    careless producer would."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    plain = tmp_path / f"plain-{name}"
    book.save(plain)
    if edit is None:
        return plain
    path = tmp_path / name
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = edit(data.decode()).encode()
            out.writestr(item, data)
    return path


def dimension(ref: str):
    return lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml)


def add_cell(ref: str, row: int):
    cell = f'<row r="{row}"><c r="{ref}" t="n"><v>1</v></c></row>'
    return lambda xml: dimension(f"A1:{ref}")(xml).replace("</sheetData>", cell + "</sheetData>")


FACT_ROWS = [["date", "user", "metric", "value"]] + [
    ["2026-11-02", "UALICE", "revenue", n] for n in range(1, 6)
]


def test_xlsx_rows_past_an_underdeclared_dimension_are_all_imported(run, deps, tmp_path):
    path = workbook(tmp_path, FACT_ROWS, dimension("A1:B2"))  # says 2 rows, 2 columns
    code, out = run("kpi", "import", str(path))
    assert code == 0, out
    assert sorted(f.value for f in stored(deps, KpiFact)) == [n * 10**6 for n in range(1, 6)]


def test_xlsx_with_a_cell_at_the_last_excel_cell_is_read_in_seconds(run, deps, tmp_path):
    path = workbook(tmp_path, FACT_ROWS, add_cell("XFD1048576", 1048576))
    assert path.stat().st_size < 10_000
    started = time.monotonic()
    code, out = run("kpi", "import", str(path))
    assert time.monotonic() - started < 20  # minutes before: every row padded to 16,384 cells
    assert code == 0, out
    assert len(stored(deps, KpiFact)) == 5  # the stray cell has no column name: ignored


def test_xlsx_too_wide_or_too_long_is_refused_with_its_line(run, deps, tmp_path):
    # a header cell at XFD1 makes the header 16,384 columns wide
    wide = workbook(
        tmp_path,
        FACT_ROWS,
        lambda xml: xml.replace("</row>", '<c r="XFD1" t="n"><v>1</v></c></row>', 1),
        name="wide.xlsx",
    )
    code, out = run("kpi", "import", str(wide))
    assert (code, out) == (1, [f"Error: {wide}:1: too many columns (16384; at most 256)"])
    far = workbook(tmp_path, FACT_ROWS, add_cell("A99999999", 99999999), name="far.xlsx")
    code, out = run("kpi", "import", str(far))
    assert (code, out) == (1, [f"Error: {far}:1048577: more than 1048576 rows"])
    assert stored(deps, KpiFact) == []


def test_a_megabyte_cell_is_clipped_in_every_problem_line(run, deps, tmp_path):
    huge = "x" * 1_000_000
    facts = workbook(tmp_path, [FACT_ROWS[0], ["2026-11-02", huge, huge, huge]])
    code, out = run("kpi", "import", str(facts))
    assert code == 1
    problems = [line for line in out if line.startswith(f"{facts}:2: ")]
    assert len(problems) == 3  # user, metric, value
    assert longest(problems, facts) < 2 * 80 + 60, problems
    assert all("xxx…'" in line for line in problems)
    targets = workbook(
        tmp_path, [["period", "scope", "metric", "target"], [huge, huge, huge, huge]], name="t.xlsx"
    )
    code, out = run("targets", "import", str(targets))
    assert code == 1 and longest(out, targets) < 200, [line[:300] for line in out]
    assert len([line for line in out if line.startswith(f"{targets}:2: ")]) == 4
    header = "slack_id,name,email,team,manager,role,title,level,hire_date,timezone,locale"
    people = workbook(tmp_path, [header.split(","), [huge] * 11], name="org.xlsx")
    code, out = run("org", "import", str(people))
    assert code == 1 and longest(out, people) < 200, [line[:300] for line in out]
    assert f"{people}:2: name is longer than 200 characters" in out
    assert stored(deps, KpiFact) == [] and stored(deps, KpiTarget) == []


@pytest.mark.parametrize(
    ("command", "header"),
    [
        ("kpi", FACTS),
        ("targets", "period,scope,metric,target"),
        ("org", "slack_id,name,email,team,manager,role"),
    ],
)
def test_a_csv_field_past_the_csv_limit_is_a_line_not_a_traceback(
    run, deps, tmp_path, command, header
):
    path = write_csv(tmp_path, "big.csv", [header, ",".join(["a"] * 4), "b" * 200_000])
    code, out = run(command, "import", str(path))
    assert (code, out) == (1, [f"Error: {path}:3: a field is longer than 131072 characters"])
    assert stored(deps, KpiFact) == [] and stored(deps, KpiTarget) == []
    assert len(stored(deps, User)) == 8  # the standard org, nothing added


def test_values_and_dates_no_period_can_hold_are_problem_lines(run, deps, tmp_path):
    path = write_csv(
        tmp_path,
        "facts.csv",
        [
            FACTS,
            "2026-11-02,UALICE,revenue,1e999999999",  # 2: Decimal overflows the context
            "2026-11-02,UALICE,revenue,-1E+999999999",  # 3
            "2026-11-02,UALICE,revenue,nan",  # 4
            "2026-11-02,UALICE,revenue,-inf",  # 5
            "0999-12-31,UALICE,revenue,1",  # 6: a three-digit year's period keys
            "0001-01-01,UALICE,revenue,1",  # 7: the day before has no date
            "10000-01-01,UALICE,revenue,1",  # 8
            "2026-11-02,UALICE,revenue,1",  # 9: fine
        ],
    )
    code, out = run("kpi", "import", str(path))
    assert code == 1
    assert out[:7] == [
        f"{path}:2: value '1e999999999' is too large",
        f"{path}:3: value '-1E+999999999' is too large",
        f"{path}:4: value 'nan' is not a number",
        f"{path}:5: value '-inf' is not a number",
        f"{path}:6: date '0999-12-31' is out of range (years 1001 to 9998)",
        f"{path}:7: date '0001-01-01' is out of range (years 1001 to 9998)",
        f"{path}:8: date '10000-01-01' is not a date like 2026-11-05",
    ]
    assert "Error: 7 problem(s); nothing was imported" in out[-1]
    assert stored(deps, KpiFact) == []
    code, out = run("kpi", "import", "--skip-invalid", str(path))
    assert code == 0, out
    assert [f.value for f in stored(deps, KpiFact)] == [10**6]


def test_targets_periods_out_of_range_are_problem_lines(run, deps, tmp_path):
    path = write_csv(
        tmp_path,
        "targets.csv",
        [
            "period,scope,metric,target",
            "9999-12,UALICE,revenue,1",  # 2: its month's end overflowed
            "0001,UALICE,revenue,1",  # 3: its previous year overflowed
            "0999-Q4,UALICE,revenue,1",  # 4
            "9999-W52,UALICE,revenue,1",  # 5
            "2026-W99,UALICE,revenue,1",  # 6
            "2026-11,UALICE,revenue,1e999999999",  # 7
            "2026-11,UALICE,revenue,1",  # 8: fine
        ],
    )
    code, out = run("targets", "import", str(path))
    assert code == 1
    assert out[:6] == [
        f"{path}:2: period '9999-12' is out of range (years 1001 to 9998)",
        f"{path}:3: period '0001' is out of range (years 1001 to 9998)",
        f"{path}:4: period '0999-Q4' is out of range (years 1001 to 9998)",
        f"{path}:5: period '9999-W52' is out of range (years 1001 to 9998)",
        f"{path}:6: period '2026-W99' is not like 2026-11, 2026-Q4, 2026 or 2026-W48",
        f"{path}:7: target '1e999999999' is too large",
    ]
    assert stored(deps, KpiTarget) == []


ORG = "slack_id,name,email,team,manager,role"


def test_org_fields_longer_than_their_columns_are_refused(run, deps, tmp_path):
    path = write_csv(
        tmp_path,
        "org.csv",
        [
            ORG + ",title,level,timezone",
            "UNEW1," + "N" * 100_000 + ",n1@example.com,east,,rep,,,",
            "UNEW2,Ann,n2@example.com," + "t" * 101 + ",,rep," + "T" * 201 + ",L,",
            "UNEW3,Bo,n3@example.com,east,,rep,,," + "Asia/" + "x" * 5000,
            "U" + "X" * 40 + ",Cy,n4@example.com,east,,rep,,,",
        ],
    )
    code, out = run("org", "import", str(path))
    assert code == 1
    assert f"{path}:2: name is longer than 200 characters" in out
    assert f"{path}:3: team is longer than 100 characters" in out
    assert f"{path}:3: title is longer than 200 characters" in out
    assert f"{path}:4: timezone is longer than 64 characters" in out
    assert f"{path}:5: slack_id is longer than 32 characters" in out
    assert longest(out, path) < 200
    assert len(stored(deps, User)) == 8


def test_an_email_of_another_person_is_refused_unless_they_give_it_up(run, deps, tmp_path):
    taken = write_csv(tmp_path, "taken.csv", [ORG, "UNEW,New Person,Alice@Example.com,east,,rep"])
    code, out = run("org", "import", str(taken))
    assert code == 1
    assert f"{taken}:2: email alice@example.com belongs to UALICE (Alice Wong) already" in out
    assert "UNEW" not in {u.slack_id for u in stored(deps, User)}
    # in one file Alice takes a new address and the newcomer gets her old one
    swap = write_csv(
        tmp_path,
        "swap.csv",
        [
            ORG,
            "UNEW,New Person,alice@example.com,east,,rep",
            "UALICE,Alice Wong,aw@x.com,east,,rep",
        ],
    )
    code, out = run("org", "import", str(swap))
    assert code == 0, out
    emails = {u.slack_id: u.email for u in stored(deps, User)}
    assert (emails["UNEW"], emails["UALICE"]) == ("alice@example.com", "aw@x.com")
