"""The console's link to the app: it holds who acts and what was shown, sends each
request as the actor, waits until the listeners are done and renders what the bot sent
(or raises Failure on refusals and breakage). demo/console.py builds the commands on it."""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from demo import modal
from demo.checks import Failure, LogWatch, error_patterns
from demo.people import Directory
from demo.render import (
    Control,
    Names,
    Rendered,
    render_message,
    render_view,
)
from demo.screen import Batch, Item, ModalState, Screen, Surface
from demo.seed_data import DEFAULT_ACTOR, GENERAL, Person
from demo.workspace import Workspace

SETTLE_TIMEOUT = 30.0  # a listener still running after this is reported, not waited for
QUIET = 0.05  # no new Web API call for this long after the listeners finished: done


@dataclass
class Target:
    control: Control
    surface: Surface


class AppSession:
    """One person at a time acting on the demo workspace; what they saw and can click."""

    def __init__(self, ws: Workspace, out: Callable[[str], None] = print) -> None:
        self.ws, self._out = ws, out
        self.people: tuple[Person, ...] = ws.people
        self.directory = Directory(ws.people, ws.channels)
        users = {p.slack_id: p.handle for p in self.people}
        self.names = Names(users=users, channels=ws.channels)
        self.screen = Screen(ws.fake, self.names, ws.files_dir)
        self.screen.absorb("", quiet=True)  # whatever seeding sent: known, not shown
        self.actor = self.directory.person(DEFAULT_ACTOR) or self.people[0]
        self.targets: dict[int, Target] = {}
        self.output: list[str] = []
        self._mark = 0
        self._errors = error_patterns()
        self._capture = LogWatch()
        logging.getLogger().addHandler(self._capture)
        logging.getLogger("salespulse").setLevel(logging.INFO)

    def close(self) -> None:
        logging.getLogger().removeHandler(self._capture)

    def say(self, line: str = "") -> None:
        self.output.append(line)
        self._out(line)

    # -- talking to the app ----------------------------------------------------------------

    def _send(self, request: Callable[[], httpx.Response]) -> httpx.Response:
        self._mark = len(self._capture.records)
        response = request()
        if response.status_code != 200:
            raise Failure(f"the app answered HTTP {response.status_code}", "broken")
        return response

    def _settle(self) -> None:
        """Wait until the listeners finished and the emulator went quiet."""
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while True:
            self.ws.inflight.wait_idle(max(0.0, deadline - time.monotonic()))
            seen = len(self.ws.fake.calls)
            time.sleep(QUIET)
            idle = self.ws.inflight.wait_idle(0)
            if (idle and len(self.ws.fake.calls) == seen) or time.monotonic() > deadline:
                return

    def _observe(
        self, origin: str, *, channel: str = GENERAL, first: list[Item] | None = None
    ) -> Batch:
        """Render what the action produced for the actor; raise on refusals and breakage."""
        self._settle()
        batch = self.screen.absorb(self.actor.slack_id, origin=origin, channel=channel)
        batch.items[:0] = first or []
        # A reply in the ack body (ack(text=...)) is read like any other reply.
        batch.texts[:0] = [
            str(i.surface.payload.get("text") or "") for i in first or [] if i.surface
        ]
        self._render(batch)
        records = self._capture.records[self._mark :]
        self._mark = len(self._capture.records)
        crashes = [r for r in records if r.levelno >= logging.ERROR]
        if crashes or batch.problems:
            detail = "".join(
                "".join(traceback.format_exception(*r.exc_info))
                if r.exc_info
                else r.getMessage() + "\n"
                for r in crashes
            )
            crash = f"the bot hit an unexpected error:\n{detail.rstrip()}" if crashes else ""
            raise Failure("\n".join([*batch.problems, crash]).strip(), "broken")
        refusals = [r.getMessage().removeprefix("refused: ") for r in records]
        if refusals:
            raise Failure(f"the bot refused it ({', '.join(refusals)})", "refused")
        for text in batch.texts:
            if any(p.search(text) for p in self._errors):
                raise Failure("the bot answered with an error message", "refused")
        return batch

    def _render(self, batch: Batch) -> None:
        number = 1
        targets: dict[int, Target] = {}
        for item in batch.items:
            self.say(f"--- {item.heading} ---")
            if item.note:
                self.say(f"  {item.note}")
            if item.surface is None:
                continue
            rendered = self._render_surface(item.surface, number)
            for line in rendered.lines:
                self.say(line)
            for control in rendered.controls:
                targets[control.number] = Target(control, item.surface)
            number += len(rendered.controls)
        for what, who in batch.others.items():
            how = "`home`" if what.startswith("Home") else "`dms`"
            self.say(f"(also: {what} to {', '.join(who)}; `as NAME` then {how} to read)")
        if targets:
            self.targets = targets

    def _render_surface(self, surface: Surface, number: int) -> Rendered:
        if surface.kind == "modal":
            state = self._modal_state(surface.payload)
            values = modal.state_values(state.view, state.filled) if state else {}
            errors = state.errors if state else {}
            return render_view(
                surface.payload, self.names, first_number=number, state=values, errors=errors
            )
        if surface.kind == "home":
            return render_view(surface.payload, self.names, first_number=number)
        return render_message(surface.payload, self.names, first_number=number)

    def _modal_state(self, view: dict[str, Any]) -> ModalState | None:
        for state in self.screen.modals.get(self.actor.slack_id) or []:
            if state.view.get("id") == view.get("id"):
                return state
        return None
