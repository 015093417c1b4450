"""`salespulse demo`: the whole bot in a terminal, no Slack workspace needed.

workspace.py boots a throwaway SQLite workspace, the Slack emulator (slack_emulator.py, with
slack_methods.py and block_limits.py) and the real app; seed.py fills it with the tables in
seed_data.py; console.py acts on it (console_session.py talks to the app,
console_interactions.py presses buttons and fills modals); screen.py and render.py show what
Slack would; runner.py drives the console interactively or from a script."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path


def run_demo(
    *,
    keep: Path | None = None,
    script: Path | None = None,
    out: Callable[[str], None] = lambda line: print(line, flush=True),
    err: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
    started: float | None = None,
    today: date | None = None,
) -> int:
    """Run the demo; returns the exit status (non-zero when a script line failed)."""
    started = time.monotonic() if started is None else started
    from demo.console import Console
    from demo.runner import interactive, run_script
    from demo.workspace import open_workspace

    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    for handler in saved_handlers:
        root.removeHandler(handler)
    root.addHandler(logging.NullHandler())  # until the workspace (and its log file) exists
    try:
        ws = open_workspace(keep, today=today)
    except BaseException:
        _restore(root, saved_handlers, saved_level)
        raise
    log_file = logging.FileHandler(ws.dir / "demo.log", encoding="utf-8")
    log_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(log_file)
    root.setLevel(logging.INFO)
    quiet = logging.getLogger("httpx")  # one INFO line per request would drown the app's log
    quiet_level = quiet.level
    quiet.setLevel(logging.WARNING)
    console = Console(ws, out)
    try:
        out(f"SalesPulse demo ready in {time.monotonic() - started:.2f} s · {'; '.join(ws.seeded)}")
        where = "kept" if ws.keep else "deleted on exit, but for the files the bot uploads"
        out(f"workspace {ws.dir} ({where}) · log {ws.dir / 'demo.log'}")
        if script is not None:
            lines = sys.stdin if str(script) == "-" else script.read_text("utf-8").splitlines()
            return run_script(console, lines, str(script), err)
        if not sys.stdin.isatty():
            return run_script(console, sys.stdin, "<stdin>", err)
        out("Type `help` for commands, Tab to complete, Ctrl-D to leave.")
        console.run("as")
        interactive(console)
        return 0
    finally:
        console.close()
        quiet.setLevel(quiet_level)
        root.removeHandler(log_file)
        log_file.close()
        files = ws.close()
        _restore(root, saved_handlers, saved_level)
        if files is not None:
            out(f"files the bot uploaded (charts) are kept in {files}")


def _restore(root: logging.Logger, handlers: list[logging.Handler], level: int) -> None:
    for handler in root.handlers[:]:
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
