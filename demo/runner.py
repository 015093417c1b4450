"""Driving the console: interactively (prompt_toolkit: history and completion) or from a
script, line by line, stopping at the first failing line with its number."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from bot import features
from demo import modal
from demo.checks import Failure
from demo.console import Console

CONSOLE_WORDS = ("as", "who", "home", "click", "fill", "submit", "close", "channel", "dms")
CONSOLE_WORDS += ("tick", "help", "exit")


def completions(console: Console, before_cursor: str) -> list[tuple[str, str]]:
    """(completion, description) pairs for the word being typed."""
    words = before_cursor.split(" ")
    current = words[-1]
    if len(words) == 1:
        slash = [(name, "slash command") for name in console.commands]
        options = [(w, "console") for w in CONSOLE_WORDS] + slash
    elif current.startswith("@") or words[0] == "as":
        prefix = "@" if current.startswith("@") else ""
        options = [(prefix + p.handle, p.name) for p in console.people]
        options += [(prefix + p.name, p.handle) for p in console.people if " " not in p.name]
        current = current if prefix else current.removeprefix("@")
    elif words[0] == "tick" and len(words) == 2:
        options = [(j.id, j.description) for j in features.jobs()]
    elif words[0] == "tick":
        options = [("--as-of", "YYYY-MM-DD")]
    elif words[0] == "channel" or current.startswith("#"):
        options = [(f"#{name}", "channel") for name in console.ws.channels.values()]
    elif words[0] == "fill" and len(words) == 2:
        state = console.screen.top_modal(console.actor.slack_id)
        fields = modal.input_fields(state.view) if state else []
        options = [(f"{f.label}=", f.element.get("type", "")) for f in fields]
        current = " ".join(words[1:])
    elif words[0] == "click" and len(words) == 2:
        options = [(str(n), t.control.element.get("type", "")) for n, t in console.targets.items()]
    else:
        options = []
    key = current.casefold()
    return [(text, meta) for text, meta in options if text.casefold().startswith(key)]


def _check_expectation(line: str, previous: list[str]) -> None:
    word, _, text = line.partition(" ")
    shown = "\n".join(previous)
    if word == "expect" and text not in shown:
        raise Failure(f"expected {text!r} in the output above", "expectation")
    if word == "expect-not" and text in shown:
        raise Failure(f"did not expect {text!r} in the output above", "expectation")


def run_line(console: Console, line: str, previous: list[str]) -> bool:
    """One line, with the script-only forms: expect / expect-not / expect-error."""
    word, _, rest = line.strip().partition(" ")
    if word in ("expect", "expect-not"):
        _check_expectation(line.strip(), previous)
        console.output = previous  # a check leaves the output it checked in place
        return True
    if word == "expect-error":
        try:
            console.run(rest)
        except Failure as exc:
            if exc.kind != "refused":
                raise
            console.say(f"(refused as expected: {exc})")
            return True
        raise Failure(f"expected the bot to refuse {rest!r}, but it did not", "expectation")
    return console.run(line)


def run_script(
    console: Console, lines: Iterable[str], name: str, err: Callable[[str], None]
) -> int:
    """0 when every line ran; 1 at the first failing line (reported as name:line)."""
    previous: list[str] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        console.say(f"> {line.strip()}")
        console.output = []
        try:
            if not run_line(console, line, previous):
                return 0
        except Failure as exc:
            err(f"{name}:{number}: {exc.kind}: {exc}")
            return 1
        except Exception as exc:  # a console bug must still name the line
            err(f"{name}:{number}: error: {type(exc).__name__}: {exc}")
            raise
        previous = list(console.output)
    return 0


def _history_file() -> Path | None:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "salespulse"
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return base / "demo-history"


def interactive(console: Console) -> None:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import Completer, Completion
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    class _Completer(Completer):
        def get_completions(self, document, complete_event) -> Iterator[Completion]:  # type: ignore[no-untyped-def]
            before = document.text_before_cursor
            current = before.split(" ")[-1]
            if before.startswith("fill ") and before.count(" ") >= 1 and "=" not in before:
                current = before.partition(" ")[2]
            for text, meta in completions(console, before):
                yield Completion(text, start_position=-len(current), display_meta=meta)

    path = _history_file()
    history = FileHistory(str(path)) if path else InMemoryHistory()
    session: PromptSession[str] = PromptSession(
        history=history, completer=_Completer(), complete_while_typing=True
    )
    previous: list[str] = []
    while True:
        try:
            line = session.prompt(f"{console.actor.name} (@{console.actor.handle})> ")
        except KeyboardInterrupt:
            continue
        except EOFError:
            return
        console.output = []
        try:
            if not run_line(console, line, previous):
                return
        except Failure as exc:
            console.say(f"✗ {exc}")
        except Exception:  # a console bug: show it and keep the session
            console.say(f"✗ demo console error:\n{traceback.format_exc().rstrip()}")
        previous = list(console.output)
