"""`salespulse export ...`: what HR takes away, as CSV or XLSX: every rep's KPI scorecard of a
period (bot/kpi/export.py) and who recognised whom, as counts (bot/awards/recognition.py).

A bad period, format or language, or no --output, is one line and exit status 1, and no file
is written; the file appears only once it is complete (written beside it, then renamed)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import click

from bot.core.periods import local_date
from handlers.cli_support import (
    LANGS,
    deps_from_env,
    period_option,
    prepare_database,
    team_id_of,
    workspace_option,
)

FORMATS = ("csv", "xlsx")
PERIOD_HELP = "2026-11, 2026-Q4, 2026-W48, 2026 (or a word /kpi knows: month, last-month, …)"


@click.group()
def export() -> None:
    """Exports for HR: export kpi, export recognition, export suggestions."""


OPTIONS = (
    click.option("--period", default=None, help=f"The period: {PERIOD_HELP}."),
    click.option("--format", "fmt", default=None, help="csv or xlsx."),
    click.option("--output", type=click.Path(path_type=Path), help="The file to write."),
    click.option("--lang", default="en", help="Header language: en or zh (default en)."),
    workspace_option,
)


def _options(func: Callable) -> Callable:  # type: ignore[type-arg]
    """The options both exports take, checked in the command (one line and exit 1, where
    click's own checks would print its usage and exit 2)."""
    for option in reversed(OPTIONS):
        func = option(func)
    return func


def _checked(period: str | None, fmt: str | None, output: Path | None, lang: str) -> str:
    """The locale of the headers; each bad argument is one line (exit 1), before any work."""
    if not period:
        raise click.ClickException(f"--period is needed: {PERIOD_HELP}")
    if fmt is None:
        raise click.ClickException("--format is needed: csv or xlsx")
    if fmt not in FORMATS:
        raise click.ClickException(f"--format {fmt!r}: use csv or xlsx")
    if output is None:
        raise click.ClickException("--output FILE is needed: the file to write")
    if output.is_dir() or not output.parent.is_dir():
        raise click.ClickException(f"--output {output}: not a file in an existing directory")
    if lang not in LANGS:
        raise click.ClickException(f"--lang {lang!r}: use en or zh")
    return LANGS[lang]


def _run(what: str, period: str | None, fmt: str | None, output: Path | None, lang: str,
         team_id: str | None) -> None:  # fmt: skip
    fmt = fmt.lower() if fmt else fmt
    locale = _checked(period, fmt, output, lang.lower())
    assert period is not None and fmt is not None and output is not None
    period_option(
        period, date.today(), PERIOD_HELP
    )  # a bad period fails before the database is opened
    deps = deps_from_env()
    prepare_database(deps)
    ws = deps.workspace(team_id_of(deps, team_id))
    found = period_option(period, local_date(ws.clock(), ws.config.workspace.timezone), PERIOD_HELP)
    if what == "kpi":
        from bot.kpi.export import export as write_export
    else:
        from bot.awards.recognition import export as write_export
    partial = output.with_name(f".{output.name}.partial")
    try:
        with deps.db.session() as session:
            count = write_export(session, ws.config, ws.team_id, found, fmt, partial, locale)
        os.replace(partial, output)
    except OSError as exc:
        raise click.ClickException(f"--output {output}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"exported {count} row(s) of {found.key} to {output}")


@export.command("kpi")
@_options
def export_kpi(
    period: str | None, fmt: str | None, output: Path | None, lang: str, team_id: str | None
) -> None:
    """Every rep's scorecard of PERIOD (actual, target and attainment per metric, composite,
    team and company rank): the numbers /kpi shows."""
    _run("kpi", period, fmt, output, lang, team_id)


@export.command("recognition")
@_options
def export_recognition(
    period: str | None, fmt: str | None, output: Path | None, lang: str, team_id: str | None
) -> None:
    """Per person in PERIOD: kudos given and received (per company value), feedback given and
    received by kind (counts, never the text) and the awards won."""
    _run("recognition", period, fmt, output, lang, team_id)


@export.command("suggestions")
@click.option("--format", "fmt", default=None, help="csv or xlsx.")
@click.option("--output", type=click.Path(path_type=Path), help="The file to write.")
@click.option("--lang", default="en", help="Header language: en or zh (default en).")
@workspace_option
def export_suggestions(
    fmt: str | None, output: Path | None, lang: str, team_id: str | None
) -> None:
    """Every suggestion (id, created, topic, status, votes, text, reply, author, decided by,
    decided at); an anonymous one's author is left empty."""
    from bot.improvement.suggestion_export import export as write_export

    fmt = fmt.lower() if fmt else fmt
    locale = _checked("all", fmt, output, lang.lower())
    assert fmt is not None and output is not None
    deps = deps_from_env()
    prepare_database(deps)
    ws = deps.workspace(team_id_of(deps, team_id))
    partial = output.with_name(f".{output.name}.partial")
    try:
        with deps.db.session() as session:
            count = write_export(session, ws.config, ws.team_id, fmt, partial, locale)
        os.replace(partial, output)
    except OSError as exc:
        raise click.ClickException(f"--output {output}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"exported {count} suggestion(s) to {output}")
