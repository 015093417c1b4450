"""Modal inputs for the demo console: `fill Label=value` and `submit` build `state.values`
exactly as Slack sends them in view_submission and block_actions payloads. Pure functions;
people and channels are resolved through callables the console passes in."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from demo.render import Block, Names, option_text, options_of, text_of

Resolve = Callable[[str], str | None]  # text the user typed -> Slack id, or None
StateValues = dict[str, dict[str, dict[str, Any]]]
_LIST_SPLIT = re.compile(r"\s*[,，、]\s*")


class FillError(ValueError):
    """The label, option, person or value given to `fill` does not fit the modal."""


@dataclass(frozen=True)
class InputField:
    block_id: str
    action_id: str
    label: str
    element: Block
    optional: bool
    dispatch_action: bool


def input_fields(view: Mapping[str, Any]) -> list[InputField]:
    """The modal's input blocks (blocks must carry ids: see render.with_ids)."""
    found = []
    for block in view.get("blocks") or []:
        if block.get("type") != "input" or not isinstance(block.get("element"), dict):
            continue
        found.append(
            InputField(
                block_id=str(block.get("block_id")),
                action_id=str(block["element"].get("action_id")),
                label=text_of(block.get("label"), Names()).strip(),
                element=block["element"],
                optional=bool(block.get("optional")),
                dispatch_action=bool(block.get("dispatch_action")),
            )
        )
    return found


def find_field(fields: list[InputField], label: str) -> InputField:
    """By label: exact (any case), then the one label starting with / containing it."""
    wanted = label.strip().casefold()
    for test in (
        lambda f: f.label.casefold() == wanted,
        lambda f: f.label.casefold().startswith(wanted),
        lambda f: wanted in f.label.casefold(),
    ):
        hits = [f for f in fields if test(f)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise FillError(f"{label!r} matches {', '.join(h.label for h in hits)}: be more exact")
    labels = ", ".join(f.label for f in fields) or "none"
    raise FillError(f"no input labelled {label!r} (inputs: {labels})")


def _pick_options(element: Block, text: str) -> list[Block]:
    wanted = [w for w in _LIST_SPLIT.split(text.strip()) if w]
    options = options_of(element)
    picked = []
    for word in wanted:
        key = word.casefold()
        exact = [
            o
            for o in options
            if option_text(o, Names()).casefold() == key or str(o.get("value")).casefold() == key
        ]
        prefix = [o for o in options if option_text(o, Names()).casefold().startswith(key)]
        hits = exact or prefix
        if len(hits) != 1:
            choices = " | ".join(option_text(o, Names()) for o in options)
            what = "matches several options" if hits else "is not an option"
            raise FillError(f"{word!r} {what} (options: {choices})")
        picked.append(hits[0])
    return picked


def _people(text: str, resolve_user: Resolve) -> list[str]:
    ids = []
    for word in _LIST_SPLIT.split(text.strip()):
        if not word:
            continue
        user_id = resolve_user(word.removeprefix("@"))
        if user_id is None:
            raise FillError(f"no person {word!r} (type `who` for the list)")
        ids.append(user_id)
    return ids


def _channels(text: str, resolve_channel: Resolve) -> list[str]:
    ids = []
    for word in _LIST_SPLIT.split(text.strip()):
        if not word:
            continue
        channel_id = resolve_channel(word.removeprefix("#"))
        if channel_id is None:
            raise FillError(f"no channel {word!r}")
        ids.append(channel_id)
    return ids


def _one(values: list[Any], what: str) -> Any:
    if len(values) != 1:
        raise FillError(f"pick exactly one {what}")
    return values[0]


def element_value(
    element: Block,
    text: str,
    *,
    resolve_user: Resolve = lambda _: None,
    resolve_channel: Resolve = lambda _: None,
) -> dict[str, Any]:
    """The state entry for `element` after the user typed / picked `text`."""
    kind = element.get("type", "")
    entry: dict[str, Any] = {"type": kind}
    if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_input"):
        if kind == "number_input":
            try:
                number = float(text)
            except ValueError:
                raise FillError(f"{text!r} is not a number") from None
            if not element.get("is_decimal_allowed") and not number.is_integer():
                raise FillError(f"{text!r}: whole numbers only")
        entry["value"] = text
    elif kind == "rich_text_input":
        section = {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
        entry["rich_text_value"] = {"type": "rich_text", "elements": [section]}
    elif kind in ("static_select", "external_select", "radio_buttons", "overflow"):
        entry["selected_option"] = _one(_pick_options(element, text), "option")
    elif kind in ("multi_static_select", "multi_external_select", "checkboxes"):
        entry["selected_options"] = _pick_options(element, text)
    elif kind == "users_select":
        entry["selected_user"] = _one(_people(text, resolve_user), "person")
    elif kind == "multi_users_select":
        entry["selected_users"] = _people(text, resolve_user)
    elif kind in ("conversations_select", "channels_select"):
        key = "selected_conversation" if kind.startswith("conv") else "selected_channel"
        entry[key] = _one(_channels(text, resolve_channel), "channel")
    elif kind in ("multi_conversations_select", "multi_channels_select"):
        key = "selected_conversations" if "conv" in kind else "selected_channels"
        entry[key] = _channels(text, resolve_channel)
    elif kind == "datepicker":
        try:
            entry["selected_date"] = date.fromisoformat(text.strip()).isoformat()
        except ValueError:
            raise FillError(f"{text!r} is not a date like 2026-12-28") from None
    elif kind == "timepicker":
        try:
            entry["selected_time"] = time.fromisoformat(text.strip()).strftime("%H:%M")
        except ValueError:
            raise FillError(f"{text!r} is not a time like 09:30") from None
    else:
        raise FillError(f"the demo cannot fill a {kind or 'unknown'} element")
    return entry


def initial_entry(element: Block) -> dict[str, Any]:
    """What Slack reports for an untouched element: its initial value, or empty."""
    kind = element.get("type", "")
    entry: dict[str, Any] = {"type": kind}
    if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_input"):
        entry["value"] = element.get("initial_value")
    elif kind == "rich_text_input":
        entry["rich_text_value"] = element.get("initial_value")
    elif kind in ("static_select", "external_select", "radio_buttons"):
        entry["selected_option"] = element.get("initial_option")
    elif kind in ("multi_static_select", "multi_external_select", "checkboxes"):
        entry["selected_options"] = list(element.get("initial_options") or [])
    elif kind == "users_select":
        entry["selected_user"] = element.get("initial_user")
    elif kind == "multi_users_select":
        entry["selected_users"] = list(element.get("initial_users") or [])
    elif kind == "conversations_select":
        entry["selected_conversation"] = element.get("initial_conversation")
    elif kind == "channels_select":
        entry["selected_channel"] = element.get("initial_channel")
    elif kind == "multi_conversations_select":
        entry["selected_conversations"] = list(element.get("initial_conversations") or [])
    elif kind == "multi_channels_select":
        entry["selected_channels"] = list(element.get("initial_channels") or [])
    elif kind == "datepicker":
        entry["selected_date"] = element.get("initial_date")
    elif kind == "timepicker":
        entry["selected_time"] = element.get("initial_time")
    return entry


def is_empty(entry: Mapping[str, Any] | None) -> bool:
    if not entry:
        return True
    return all(value in (None, "", [], {}) for key, value in entry.items() if key != "type")


def state_values(
    view: Mapping[str, Any], filled: Mapping[str, Mapping[str, Mapping[str, Any]]]
) -> StateValues:
    """state.values for the view: every input block, filled or initial, as Slack sends it.
    Non-input elements the user set (selects in actions blocks) are carried over too."""
    values: StateValues = {}
    for fld in input_fields(view):
        entry = (filled.get(fld.block_id) or {}).get(fld.action_id)
        values.setdefault(fld.block_id, {})[fld.action_id] = dict(
            entry if entry is not None else initial_entry(fld.element)
        )
    for block_id, actions in filled.items():
        for action_id, entry in actions.items():
            values.setdefault(block_id, {}).setdefault(action_id, dict(entry))
    return values


def keep_filled(
    old: Mapping[str, Mapping[str, Mapping[str, Any]]], new_view: Mapping[str, Any]
) -> dict[str, dict[str, dict[str, Any]]]:
    """After views.update Slack keeps what the user typed into inputs that still exist
    (same block_id and action_id); everything else starts over."""
    kept: dict[str, dict[str, dict[str, Any]]] = {}
    for fld in input_fields(new_view):
        entry = (old.get(fld.block_id) or {}).get(fld.action_id)
        if entry is not None:
            kept.setdefault(fld.block_id, {})[fld.action_id] = dict(entry)
    return kept


def client_errors(view: Mapping[str, Any], values: StateValues) -> dict[str, str]:
    """What Slack's client refuses before sending a submission: empty required inputs and
    text outside min_length / max_length. {block_id: message}."""
    errors: dict[str, str] = {}
    for fld in input_fields(view):
        entry = values.get(fld.block_id, {}).get(fld.action_id)
        if is_empty(entry):
            if not fld.optional:
                errors[fld.block_id] = "Please complete this required field."
            continue
        text = (entry or {}).get("value")
        if isinstance(text, str):
            low, high = fld.element.get("min_length"), fld.element.get("max_length")
            if low and len(text) < int(low):
                errors[fld.block_id] = f"Please enter at least {low} characters."
            elif high and len(text) > int(high):
                errors[fld.block_id] = f"Please enter no more than {high} characters."
    return errors


def action_entry(element: Block, entry: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One item of a block_actions payload's `actions` for `element` (picked `entry`)."""
    action: dict[str, Any] = {"type": element.get("type"), "action_id": element.get("action_id")}
    if element.get("type") == "button":
        action["text"] = element.get("text")
        if "value" in element:
            action["value"] = element["value"]
        if element.get("style"):
            action["style"] = element["style"]
    for key, value in (entry or {}).items():
        if key != "type":
            action[key] = value
    return action


def title(view: Mapping[str, Any]) -> str:
    return text_of(view.get("title"), Names())
