"""The demo console: act as anyone, type slash commands, press buttons, fill and submit
modals, open the Home tab, read channels and DMs, run jobs. Every action goes to the real
app as a signed request (or, for `tick`, the real job function); what the bot sends back
is read from the Slack emulator and rendered as text."""

from __future__ import annotations

import shlex
import traceback
from collections.abc import Callable
from typing import Any
from unicodedata import east_asian_width

from bot import features
from demo.checks import Failure
from demo.console_interactions import Interactions
from demo.days import relative_day, relative_when  # noqa: F401  (tests import relative_day)
from demo.screen import Batch, Item, Surface
from demo.seed_data import GENERAL
from demo.workspace import Workspace

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
  tick JOB [--as-of WHEN]   run a job now, as of the end of a day (2026-12-28, today+4) or an
                            instant (2026-12-28T10:05+08:00, today+4T10:05-08:00) (jobs: {jobs})
  who                       everyone in the demo org
  help | exit               this text | leave (Ctrl-D works too)
In scripts: `expect TEXT` / `expect-not TEXT` check the previous output,
`expect-error COMMAND` runs a command that the bot must refuse; `#` starts a comment."""


class Console(Interactions):
    """The console's commands: parse a line and run it (see HELP)."""

    def __init__(self, ws: Workspace, out: Callable[[str], None] = print) -> None:
        super().__init__(ws, out)
        self.commands = [
            c.name for c in features.commands()
        ]  # slash commands Slack would route to us

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
        from handlers.as_of import job_time

        try:
            words = shlex.split(args)
        except ValueError as exc:
            raise Failure(str(exc)) from None
        day = None
        if "--as-of" in words:
            at = words.index("--as-of")
            try:
                day = relative_when(words[at + 1], self.today(), self.weekend())
            except (IndexError, ValueError):
                raise Failure(
                    "--as-of needs a date like 2026-12-28 or today+4, or an instant like "
                    "2026-12-28T10:05+08:00 or today+4T10:05-08:00"
                ) from None
            del words[at : at + 2]
        job = features.find_job(words[0]) if len(words) == 1 else None
        if job is None:
            raise Failure(
                f"usage: tick JOB [--as-of YYYY-MM-DD|ISO instant]; jobs: {', '.join(j.id for j in features.jobs())}"
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
