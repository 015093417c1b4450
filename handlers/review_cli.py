"""`salespulse review ...`: review cycles from the command line (HR's tools)."""

from __future__ import annotations

import click


@click.group()
def review() -> None:
    """Review cycles: start, status, close, export."""
