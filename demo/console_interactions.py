"""The console's buttons and modals: `click`, `fill`, `submit` and `close`, sent to the app
as the block_actions, block_suggestion, view_submission and view_closed payloads Slack sends."""

from __future__ import annotations

import re
import time
from datetime import date
from typing import Any

from bot.core.periods import local_date
from demo import modal
from demo.checks import Failure
from demo.console_session import AppSession
from demo.days import relative_day
from demo.render import describe_value, options_of
from demo.screen import Batch, Item, ModalState, Surface
from demo.seed_data import GENERAL
from demo.slack_requests import new_trigger_id


class Interactions(AppSession):
    """Clicking controls and filling, submitting and closing modals."""

    def today(self) -> date:
        """The demo's today (workspace time zone; `--today` moves it)."""
        return local_date(self.ws.deps.clock(), self.ws.deps.config.workspace.timezone)

    def weekend(self) -> tuple[str, ...]:
        return tuple(self.ws.deps.config.workspace.weekend)

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

    def _relative_date(self, text: str) -> str:
        """`fill Due=today+30` / `workday+2`: a date picked relative to the demo's today."""
        try:
            return relative_day(text, self.today(), self.weekend()).isoformat()
        except ValueError:
            raise modal.FillError(f"{text!r} is not a date like 2026-12-28 or today+30") from None

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
            if element.get("type") == "datepicker" and value[:1].isalpha():
                value = self._relative_date(value)
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
