"""`salespulse export kpi`: for every rep of the KPI fixture, the exported numbers equal what
`/kpi @rep <period>` answers HR (signed requests, figures read off the reply), in both formats
and both header languages; formula-looking names neutralised; bad arguments are one line,
exit 1 and no file. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from bot.core.config import AppConfig
from tests.awards.export_support import NOV_26, app_config, cli_env, read, run
from tests.support.kpi_fixture import load
from tests.support.slack import reply_to

NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
REPS = {"UALICE", "UBOB", "UXW", "UCAROL"}  # the managers, HR and the director are not reps


@pytest.fixture
def config() -> AppConfig:
    return app_config()


@pytest.fixture
def people(org, deps, db, tmp_path, monkeypatch):
    people = org.standard()
    deps.clock = lambda: NOV_26
    load(db, "T0001", people)
    cli_env(monkeypatch, db, tmp_path)
    return people


def _number(text: str) -> Decimal | None:
    found = NUMBER.search(text)
    return None if found is None else Decimal(found.group().replace(",", ""))


def _lines(reply: dict) -> list[str]:
    lines: list[str] = []
    for block in reply["blocks"]:
        items = [block["text"]] if "text" in block else block.get("elements", [])
        for item in items:
            lines.extend(item["text"].split("\n"))
    return lines


def kpi_figures(reply: dict, config: AppConfig) -> dict[str, object]:
    """What /kpi shows, as numbers: per metric (actual, target, attainment %), the composite
    in %, the team and the company rank."""
    lines = _lines(reply)
    found: dict[str, object] = {}
    for m in config.metrics:
        at = next(i for i, line in enumerate(lines) if line.startswith(f"*{m.label_en}*"))
        percent = lines[at].rsplit(" ", 1)[1]
        figures = lines[at + 1].split(" · ")[0]
        actual, _, target = figures.partition(" of ")
        found[m.key] = (_number(actual), _number(target), _number(percent))
    composite = next((line for line in lines if line.startswith("*Composite score:")), None)
    found["composite"] = _number(composite) if composite else None
    ranks = next((line for line in lines if " in the company" in line), None)
    if ranks:
        match = re.match(r"#(\d+) of \d+ in team .* · #(\d+) of \d+ in the company", ranks)
        assert match, ranks
        found["ranks"] = (int(match[1]), int(match[2]))
    else:
        found["ranks"] = (None, None)
    return found


def _cell(value: object) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _percent(value: object) -> Decimal | None:
    ratio = _cell(value)
    return None if ratio is None else (ratio * 100).quantize(Decimal("0.1"))


def exported(row: list, config: AppConfig) -> dict[str, object]:
    """The same figures read off an export row (its columns by position)."""
    found: dict[str, object] = {}
    for i, m in enumerate(config.metrics):
        actual, target, ratio = row[4 + 3 * i : 7 + 3 * i]
        found[m.key] = (_cell(actual), _cell(target), _percent(ratio))
    composite, team_rank, company_rank = row[-3:]
    found["composite"] = _percent(composite)
    found["ranks"] = tuple(None if r in (None, "") else int(r) for r in (team_rank, company_rank))
    return found


def compare_with_kpi(slack, fake, config, rows, period: str) -> None:
    """Ask /kpi for each exported rep as HR and compare every figure."""
    asked = len(fake.ephemerals("UHR"))
    for n, row in enumerate(rows, start=asked + 1):
        slack.command("UHR", "/kpi", f"<@{row[0]}> {period}")
        reply = reply_to(fake, "UHR", n)[n - 1]
        shown, written = kpi_figures(reply, config), exported(row, config)
        for m in config.metrics:
            actual, target, percent = shown[m.key]  # type: ignore[misc]
            if actual is None and target is None:
                assert written[m.key] == (None, None, None), (row[0], m.key)
            else:
                assert written[m.key] == (actual, target, percent), (row[0], m.key, shown)
        assert written["composite"] == shown["composite"], row[0]
        assert written["ranks"] == shown["ranks"], row[0]


EN_START = ["slack_id", "name", "team", "manager", "revenue_actual", "revenue_target",
            "revenue_attainment", "csat_actual"]  # fmt: skip
ZH_START = ["Slack 账号", "姓名", "团队", "经理", "销售额实际值", "销售额目标", "销售额达成率",
            "客户满意度实际值"]  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_reps_numbers_equal_what_kpi_shows(people, slack, fake, config, tmp_path, fmt, lang):
    path = tmp_path / f"kpi.{fmt}"
    out = run("kpi", "--period", "2026-11", "--format", fmt, "--output", str(path), "--lang", lang)
    assert out.exit_code == 0, out.output
    assert out.output.strip() == f"exported 4 row(s) of 2026-11 to {path}"
    header, rows = read(path)
    assert header[:8] == (EN_START if lang == "en" else ZH_START)
    assert header[-3:] == (
        ["composite", "team_rank", "company_rank"]
        if lang == "en"
        else ["综合得分", "团队排名", "公司排名"]
    )
    assert {row[0] for row in rows} == REPS
    # in company rank order: alice 106.7%, bob, xiaowang (east), carol 50% (west)
    assert rows[0][0] == "UALICE"
    by_id = {row[0]: row for row in rows}
    east = "'+cmd" if lang == "en" else "华东"  # the team's name, neutralised
    assert by_id["UALICE"][1:4] == ["Alice Wong", east, "Eric East"]
    assert by_id["UCAROL"][2:4] == ["West" if lang == "en" else "华西", "Wendy West"]
    alice = exported(by_id["UALICE"], config)
    assert alice["revenue"] == (Decimal(180001), Decimal(200000), Decimal("90.0"))
    assert alice["composite"] == Decimal("106.7") and alice["ranks"] == (1, 1)
    compare_with_kpi(slack, fake, config, rows, "2026-11")


@pytest.mark.parametrize("period", ["2026-Q4", "2026-W46", "2026", "2026-10"])
def test_other_periods_equal_kpi_too(people, slack, fake, config, tmp_path, period):
    path = tmp_path / "kpi.csv"
    out = run("kpi", "--period", period, "--format", "csv", "--output", str(path))
    assert out.exit_code == 0, out.output
    _, rows = read(path)
    assert rows, period
    compare_with_kpi(slack, fake, config, rows, period)


def test_formula_names_are_neutralised(people, org, db, slack, fake, config, tmp_path):
    # a rep in east: the team's targets make him one of the exported reps
    org.person("UEVIL", '=HYPERLINK("http://evil.example","click")', manager=people["east_mgr"])
    for fmt in ("csv", "xlsx"):
        path = tmp_path / f"kpi.{fmt}"
        assert (
            run("kpi", "--period", "2026-11", "--format", fmt, "--output", str(path)).exit_code == 0
        )
        _, rows = read(path)
        evil = next(row for row in rows if row[0] == "UEVIL")
        assert evil[1] == '\'=HYPERLINK("http://evil.example","click")'
        assert evil[2] == "'+cmd"
        assert all(not str(cell).startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-13"], "--period '2026-13': use 2026-11"),
        (["--period", "someday"], "--period 'someday': use 2026-11"),
        (["--period", "9999-12"], "--period '9999-12': years 1001 to 9998 only"),
        (["--format", "pdf"], "--format 'pdf': use csv or xlsx"),
        (["--format", None], "--format is needed: csv or xlsx"),
        (["--output", None], "--output FILE is needed"),
        (["--lang", "fr"], "--lang 'fr': use en or zh"),
        (["--period", None], "--period is needed"),
    ],
)
def test_a_bad_argument_is_one_line_exit_1_and_no_file(people, tmp_path, args, message):
    given = {"--period": "2026-11", "--format": "csv", "--output": str(tmp_path / "k.csv")}
    given.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = [item for key, value in given.items() if value is not None for item in (key, value)]
    for what in ("kpi", "recognition"):
        out = run(what, *argv)
        assert out.exit_code == 1, out.output
        lines = out.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Error: {message}"), lines
        assert list(tmp_path.glob("k.*")) == [] and list(tmp_path.glob(".k*")) == []


def test_an_output_in_a_missing_directory_is_one_line(people, tmp_path):
    out = run(
        "kpi", "--period", "2026-11", "--format", "csv", "--output", str(tmp_path / "no/k.csv")
    )
    assert out.exit_code == 1
    assert out.output.strip().splitlines() == [
        f"Error: --output {tmp_path / 'no/k.csv'}: not a file in an existing directory"
    ]
