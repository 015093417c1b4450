"""The demo console: act as anyone, type slash commands, press buttons, fill and submit
modals, open the Home tab, read channels and DMs, run jobs. Every action goes to the real
app as a signed request (or, for `tick`, the real job function); what the bot sends back
is read from the Slack emulator and rendered as text."""

from __future__ import annotations

import logging
import re
import shlex
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from unicodedata import east_asian_width

import httpx

from bot import features
from bot.core.periods import local_date
from demo import modal
from demo.checks import Failure, LogWatch, error_patterns
from demo.people import Directory
from demo.render import (
    Control,
    Names,
    Rendered,
    describe_value,
    options_of,
    render_message,
    render_view,
)
from demo.screen import Batch, Item, ModalState, Screen, Surface
from demo.seed import DEFAULT_ACTOR, GENERAL, Person
from demo.slack_requests import new_trigger_id
from demo.workspace import Workspace

SETTLE_TIMEOUT = 30.0  # a listener still running after this is reported, not waited for
QUIET = 0.05  # no new Web API call for this long after the listeners finished: done

HELP = """\
Commands (you act as one person at a time; the prompt shows who):
  as WHO                    act as someone: name, @handle or Slack id (`who` lists people)
  /COMMAND TEXT             a slash command, e.g. /pulse whoami (@name and #channel work)
  home                      open your App Home tab
  click N [CHOICE]          press button [N] of the last output (a select/overflow: pick CHOICE)
  fill LABEL=VALUE          set a modal input: text, an option's text, a person, a date
  submit | close            submit or close the open modal
  channel #NAME             recent posts in a channel (#general, #recognition, #east, ...)
  dms                       your DMs from SalesPulse
  tick JOB [--as-of DATE]   run a scheduled job now, as if on DATE (or today+4) (jobs: {jobs})
  who                       everyone in the demo org
  help | exit               this text | leave (Ctrl-D works too)
In scripts: `expect TEXT` / `expect-not TEXT` check the previous output,
`expect-error COMMAND` runs a command that the bot must refuse; `#` starts a comment."""


@dataclass
class Target:
    control: Control
    surface: Surface


def relative_day(text: str, today: date) -> date:
    """`2026-12-28`, or `today`, `today+4`, `today-7` (days from the demo's today), so a
    script that runs on any day can say "four days later"."""
    word = text.strip().lower()
    if not word.startswith("today"):
        return date.fromisoformat(word)
    offset = word.removeprefix("today")
    if offset and (offset[0] not in "+-" or not offset[1:].isdigit()):
        raise ValueError(text)
    return today + timedelta(days=int(offset or 0))


class Console:
    def __init__(self, ws: Workspace, out: Callable[[str], None] = print) -> None:
        self.ws, self._out = ws, out
        self.people: tuple[Person, ...] = ws.people
        self.directory = Directory(ws.people, ws.channels)
        users = {p.slack_id: p.handle for p in self.people}
        self.names = Names(users=users, channels=ws.channels)
        self.screen = Screen(ws.fake, self.names, ws.dir / "files")
        self.screen.absorb("", quiet=True)  # whatever seeding sent: known, not shown
        self.actor = self.directory.person(DEFAULT_ACTOR) or self.people[0]
        self.targets: dict[int, Target] = {}
        self.commands = [
            c.name for c in features.commands()
        ]  # slash commands Slack would route to us
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

    # -- running a line --------------------------------------------------------------------

    def run(self, line: str) -> bool:
        """Run one console line; False means exit. Raises Failure."""
        self.output = []
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        word, _, rest = line.partition(" ")
        rest = rest.strip()
        if word.startswith("/"):
            self.slash(word, rest)
            return True
        handler = {
            "as": self.act_as,
            "who": lambda _: self.who(),
            "home": lambda _: self.home(),
            "click": self.click,
            "fill": self.fill,
            "submit": lambda _: self.submit(),
            "close": lambda _: self.close_modal(),
            "channel": self.show_channel,
            "dms": lambda _: self.show_dms(),
            "tick": self.tick,
            "help": lambda _: self.say(HELP.format(jobs=", ".join(j.id for j in features.jobs()))),
        }.get(word.lower())
        if word.lower() in ("exit", "quit"):
            return False
        if handler is None:
            raise Failure(f"unknown command {word!r} (type `help`)")
        handler(rest)
        return True

    def act_as(self, who: str) -> None:
        if not who:
            self.say(f"You are {self.directory.describe(self.actor)}")
            return
        found = self.directory.person(who)
        if found is None:
            raise Failure(f"no person {who!r} (type `who` for the list)")
        self.actor = found
        self.targets = {}
        self.say(f"You are now {self.directory.describe(found)}")

    def who(self) -> None:
        for p in self.people:
            mark = "*" if p.slack_id == self.actor.slack_id else " "
            handle = f"@{p.handle}"
            pad = " " * max(1, 12 - sum(2 if east_asian_width(c) in "WF" else 1 for c in handle))
            self.say(f"{mark} {handle}{pad}{self.directory.describe(p)} · {p.slack_id}")

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

    # -- slash commands and Home -----------------------------------------------------------

    def slash(self, command: str, text: str) -> None:
        if command not in self.commands:
            known = ", ".join(self.commands)
            raise Failure(f"unknown slash command {command} (this app has {known})")
        response = self._send(
            lambda: self.ws.slack.command(
                self.actor.slack_id, command, self.directory.escape(text), channel_id=GENERAL
            )
        )
        first = []
        body = response.text.strip()
        if body:  # ack(text=...) is shown to the user like an ephemeral reply
            try:
                payload = response.json()
            except ValueError:
                payload = {"text": body}
            if isinstance(payload, dict) and (payload.get("text") or payload.get("blocks")):
                message = {"text": payload.get("text", ""), "blocks": payload.get("blocks") or []}
                heading = f"only you, in {self.names.channel(GENERAL)}"
                first.append(Item(heading, Surface("ephemeral", message, GENERAL, None)))
        batch = self._observe("command", first=first)
        if not batch.visible:
            raise Failure(f"{command} got no visible reply", "broken")

    def home(self) -> None:
        user = self.actor.slack_id
        event: dict[str, Any] = {"type": "app_home_opened", "user": user, "tab": "home"}
        event["channel"] = "D" + user
        if user in self.screen.homes:
            event["view"] = self.screen.homes[user]
        self._send(lambda: self.ws.slack.event(event))
        batch = self._observe("home")
        if not any(i.surface and i.surface.kind == "home" for i in batch.items):
            raise Failure("the bot published no Home tab", "broken")

    # -- buttons and modals ----------------------------------------------------------------

    def _user_json(self) -> dict[str, Any]:
        p = self.actor
        return {"id": p.slack_id, "username": p.handle, "name": p.handle, "team_id": "T0DEMO"}

    def _view_payload(self, state: ModalState | None, view: dict[str, Any]) -> dict[str, Any]:
        values = modal.state_values(view, state.filled) if state else {}
        return {**view, "team_id": self.ws.team_id, "state": {"values": values}}

    def click(self, args: str) -> None:
        number, _, choice = args.partition(" ")
        if not number.isdigit() or int(number) not in self.targets:
            shown = ", ".join(str(n) for n in sorted(self.targets)) or "none"
            raise Failure(f"no button {number or '?'} in the last output (numbers: {shown})")
        target = self.targets[int(number)]
        element, surface = target.control.element, target.surface
        entry = None
        if element.get("type") not in ("button", "workflow_button"):
            if not choice:
                raise Failure(f"[{number}] is a {element.get('type')}: `click {number} CHOICE`")
            try:
                state = self._modal_state(surface.payload) if surface.kind == "modal" else None
                picker = self._with_suggestions(element, target.control.block_id, choice, state)
                entry = modal.element_value(
                    picker,
                    choice,
                    resolve_user=self.directory.user_id,
                    resolve_channel=self.directory.channel_id,
                )
            except modal.FillError as exc:
                raise Failure(str(exc)) from None
        action = modal.action_entry(element, entry)
        action |= {"block_id": target.control.block_id, "action_ts": f"{time.time():.6f}"}
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user_json(),
            "token": "legacy-unused",
            "trigger_id": new_trigger_id(),
            "actions": [action],
        }
        channel = surface.channel or GENERAL
        if surface.kind in ("modal", "home"):
            state = self._modal_state(surface.payload) if surface.kind == "modal" else None
            if state is not None and entry is not None:
                state.filled.setdefault(target.control.block_id, {})[element["action_id"]] = entry
            view = state.view if state else surface.payload
            payload["container"] = {"type": "view", "view_id": view.get("id")}
            payload["view"] = self._view_payload(state, view)
        else:
            payload["container"] = {
                "type": "message",
                "message_ts": surface.ts,
                "channel_id": channel,
                "is_ephemeral": surface.kind == "ephemeral",
            }
            payload["channel"] = {"id": channel, "name": self.ws.channels.get(channel, channel)}
            payload["message"] = surface.payload
            payload["state"] = {"values": {}}
            hook = f"act-{new_trigger_id().replace('.', '-')}"
            payload["response_url"] = self.ws.fake.response_url(hook, user=self.actor.slack_id)
        self._send(lambda: self.ws.slack.interaction(payload))
        self._observe(surface.kind, channel=channel)

    def _open_modal(self) -> ModalState:
        state = self.screen.top_modal(self.actor.slack_id)
        if state is None:
            raise Failure(f"{self.actor.name} has no modal open")
        return state

    def fill(self, args: str) -> None:
        label, sep, value = args.partition("=")
        if not sep or not label.strip():
            raise Failure("usage: fill LABEL=VALUE")
        state = self._open_modal()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        try:
            field = modal.find_field(modal.input_fields(state.view), label)
            element = self._with_suggestions(field.element, field.block_id, value, state)
            entry = modal.element_value(
                element,
                value,
                resolve_user=self.directory.user_id,
                resolve_channel=self.directory.channel_id,
            )
        except modal.FillError as exc:
            raise Failure(str(exc)) from None
        state.filled.setdefault(field.block_id, {})[field.action_id] = entry
        state.errors.pop(field.block_id, None)
        self.say(f"  ▸ {field.label}: {describe_value(entry, self.names)}")
        if field.dispatch_action:  # Slack sends these inputs to the app as they change
            action = modal.action_entry(field.element, entry) | {"block_id": field.block_id}
            payload = {
                "type": "block_actions",
                "user": self._user_json(),
                "container": {"type": "view", "view_id": state.view.get("id")},
                "view": self._view_payload(state, state.view),
                "actions": [action],
            }
            self._send(lambda: self.ws.slack.interaction(payload))
            self._observe("modal")

    def _with_suggestions(
        self, element: dict[str, Any], block_id: str, typed: str, state: ModalState | None
    ) -> dict[str, Any]:
        """An external select's options come from the app: ask it (block_suggestion) for
        each word typed, as Slack does while the user types, and pick from the answers."""
        if element.get("type") not in ("external_select", "multi_external_select"):
            return element
        options: list[dict[str, Any]] = []
        for word in [w.strip() for w in re.split(r"[,，、]", typed) if w.strip()]:
            payload: dict[str, Any] = {
                "type": "block_suggestion",
                "user": self._user_json(),
                "token": "legacy-unused",
                "action_id": element.get("action_id"),
                "block_id": block_id,
                "value": word,
            }
            if state is not None:
                payload["container"] = {"type": "view", "view_id": state.view.get("id")}
                payload["view"] = self._view_payload(state, state.view)
            response = self._send(lambda p=payload: self.ws.slack.interaction(p))
            try:
                answer = response.json() if response.text.strip() else {}
            except ValueError:
                answer = {}
            options += options_of(answer if isinstance(answer, dict) else {})
        return {**element, "options": options, "option_groups": []}

    def submit(self) -> None:
        state = self._open_modal()
        values = modal.state_values(state.view, state.filled)
        problems = modal.client_errors(state.view, values)
        if problems:
            state.errors = problems
            self._show_current_modal("modal (not sent)")
            raise Failure(self._error_summary(state, problems))
        view = {**state.view, "team_id": self.ws.team_id}
        response = self._send(
            lambda: self.ws.slack.view_submission(self.actor.slack_id, view, values)
        )
        stack = self.screen.modals.setdefault(self.actor.slack_id, [])
        reply: dict[str, Any] = {}
        if response.text.strip():
            try:
                reply = response.json()
            except ValueError:
                reply = {}
        action = reply.get("response_action")
        first: list[Item] = []
        if action == "errors":
            state.errors = {str(k): str(v) for k, v in (reply.get("errors") or {}).items()}
            first.append(Item("modal (the bot refused it)", Surface("modal", state.view)))
        elif action in ("update", "push"):
            new = self.screen.new_view(reply.get("view") or {}, state.view.get("id"), action)
            if action == "update":
                stack[-1] = ModalState(new)
            else:
                stack.append(ModalState(new))
            first.append(Item(f"modal ({action}d)", Surface("modal", new)))
        elif action == "clear":
            stack.clear()
            first.append(Item("modal", note="all modals closed"))
        else:
            stack.pop()
            note = "modal closed" + (f"; back to “{modal.title(stack[-1].view)}”" if stack else "")
            first.append(Item("modal", note=note))
        batch_error: Failure | None = None
        try:
            self._observe("modal", first=first)
        except Failure as exc:
            batch_error = exc
        if action == "errors":
            raise Failure(self._error_summary(state, state.errors), "refused")
        if batch_error is not None:
            raise batch_error

    def _error_summary(self, state: ModalState, errors: dict[str, str]) -> str:
        labels = {f.block_id: f.label for f in modal.input_fields(state.view)}
        return "; ".join(f"{labels.get(k, k)}: {v}" for k, v in errors.items())

    def _show_current_modal(self, heading: str) -> None:
        state = self._open_modal()
        self._render(Batch(items=[Item(heading, Surface("modal", state.view))]))

    def close_modal(self) -> None:
        state = self._open_modal()
        self.screen.modals[self.actor.slack_id].pop()
        self.say(f"closed “{modal.title(state.view)}”")
        if state.view.get("notify_on_close"):
            payload = {
                "type": "view_closed",
                "user": self._user_json(),
                "view": self._view_payload(state, state.view),
                "is_cleared": False,
            }
            self._send(lambda: self.ws.slack.interaction(payload))
            self._observe("modal")

    # -- reading channels, running jobs ----------------------------------------------------

    def _show_messages(self, channel: str, heading: str) -> None:
        messages = self.screen.channel_messages(channel)
        if not messages:
            self.say(f"(nothing in {heading} yet)")
            return
        items = [
            Item(f"{heading} · {n}/{len(messages)}", Surface("message", m, channel, m["ts"]))
            for n, m in enumerate(messages, start=1)
        ]
        self._render(Batch(items=items))

    def show_channel(self, name: str) -> None:
        channel = self.directory.channel_id(name)
        if channel is None:
            known = ", ".join(f"#{n}" for n in self.ws.channels.values())
            raise Failure(f"no channel {name!r} (channels: {known})")
        self._show_messages(channel, self.names.channel(channel))

    def show_dms(self) -> None:
        self._show_messages(
            "D" + self.actor.slack_id, f"DM to {self.names.user(self.actor.slack_id)}"
        )

    def tick(self, args: str) -> None:
        from handlers.cli import job_time

        try:
            words = shlex.split(args)
        except ValueError as exc:
            raise Failure(str(exc)) from None
        day = None
        if "--as-of" in words:
            at = words.index("--as-of")
            try:
                day = relative_day(
                    words[at + 1],
                    local_date(self.ws.deps.clock(), self.ws.deps.config.workspace.timezone),
                )
            except (IndexError, ValueError):
                raise Failure("--as-of needs a date like 2026-12-28 or today+4") from None
            del words[at : at + 2]
        job = features.find_job(words[0]) if len(words) == 1 else None
        if job is None:
            raise Failure(
                f"usage: tick JOB [--as-of YYYY-MM-DD]; jobs: {', '.join(j.id for j in features.jobs())}"
            )
        self._mark = len(self._capture.records)
        try:
            summary = job.func(self.ws.deps, job_time(self.ws.deps, day))
        except Exception:
            raise Failure(
                f"job {job.id} failed:\n{traceback.format_exc().rstrip()}", "broken"
            ) from None
        self.say(f"{job.id}: {summary}")
        self._observe("job")
