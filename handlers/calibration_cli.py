"""`salespulse kpi calibration --period 2026-Q3 [--format csv|xlsx] [--output FILE]
[--lang en|zh] [--team-id T]`: the calibration figures HR's quarterly card shows (the same
function, bot.improvement.calibration.calibration), as a table on stdout, or as CSV on stdout
or in FILE (XLSX: FILE only). Text cells are neutralised; a bad argument is one line and exit
status 1, before the database is opened, and a file appears only once it is complete."""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from datetime import date
from pathlib import Path

import click

from bot.core.periods import local_date
from bot.core.tabular import write
from handlers.cli_support import (
    LANGS,
    deps_from_env,
    period_option,
    prepare_database,
    team_id_of,
    workspace_option,
)

FORMATS = ("table", "csv", "xlsx")
PERIOD_HELP = "2026-Q3, 2026-11, 2026 (or last-quarter, last-month, …)"


def _checked(fmt: str | None, output: Path | None, lang: str) -> tuple[str, str]:
    """(format, locale); each bad argument is one line (exit 1), before any work."""
    fmt = (fmt or ("csv" if output is not None else "table")).lower()
    if fmt not in FORMATS:
        raise click.ClickException(f"--format {fmt!r}: use table, csv or xlsx")
    if fmt == "table" and output is not None:
        raise click.ClickException("--output takes --format csv or xlsx (the table is for reading)")
    if fmt == "xlsx" and output is None:
        raise click.ClickException("--format xlsx needs --output FILE")
    if output is not None and (output.is_dir() or not output.parent.is_dir()):
        raise click.ClickException(f"--output {output}: not a file in an existing directory")
    if lang.lower() not in LANGS:
        raise click.ClickException(f"--lang {lang!r}: use en or zh")
    return fmt, LANGS[lang.lower()]


def _width(text: str) -> int:
    """Columns a terminal gives `text` (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(columns: list[str], rows: list[list[str]]) -> str:
    """Aligned columns, two spaces apart."""
    widths = [max(_width(str(r[i])) for r in [columns, *rows]) for i in range(len(columns))]
    lines = []
    for row in [columns, *rows]:
        cells = [c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def csv_text(columns: list[str], rows: list[list]) -> str:  # type: ignore[type-arg]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return out.getvalue()


def _save(output: Path, fmt: str, columns: list[str], rows: list[list]) -> None:  # type: ignore[type-arg]
    partial = output.with_name(f".{output.name}.partial")
    try:
        write(partial, fmt, columns, rows, sheet="calibration")
        os.replace(partial, output)
    except OSError as exc:
        raise click.ClickException(f"--output {output}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)


@click.command("calibration")
@click.option("--period", default="last-quarter", show_default=True, help=PERIOD_HELP)
@click.option("--format", "fmt", default=None, help="table (default), csv or xlsx.")
@click.option("--output", type=click.Path(path_type=Path), help="Write the CSV or XLSX here.")
@click.option("--lang", default="en", help="Language of names and headers: en or zh.")
@workspace_option
def calibration(
    period: str, fmt: str | None, output: Path | None, lang: str, team_id: str | None
) -> None:
    """Per metric of PERIOD, over the reps with a target: the share at or above 100%, the
    share at the 150% cap, the median attainment, the spread between team medians, and the
    "target too easy" / "too hard" flags; the numbers of HR's quarterly calibration card."""
    from bot.improvement import calibration_views as views
    from bot.improvement.calibration import calibration as figures

    fmt, locale = _checked(fmt, output, lang)
    period_option(
        period, date.today(), PERIOD_HELP
    )  # a bad period fails before the database is opened
    deps = deps_from_env()
    prepare_database(deps)
    ws = deps.workspace(team_id_of(deps, team_id))
    found = period_option(period, local_date(ws.clock(), ws.config.workspace.timezone), PERIOD_HELP)
    with deps.db.session() as session:
        cal = figures(session, ws.config, ws.team_id, found)
    columns = views.header_row(locale)
    if fmt == "table":
        click.echo(f"{found.key}: {len(cal.metrics)} metric(s), {len(cal.flagged)} flagged")
        click.echo(table(columns, views.text_rows(ws.config, cal, locale)))
        return
    rows = views.data_rows(ws.config, cal, locale)
    if output is None:
        click.echo(csv_text(columns, rows), nl=False)
        return
    _save(output, fmt, columns, rows)
    click.echo(f"wrote {len(rows)} metric(s) of {found.key} to {output}")
