"""Block Kit as readable terminal text, for the demo console. Pure functions: no I/O.

Interactive elements (buttons, selects, overflow menus, pickers) get numbers, `[1] Thanks`,
that `click N` refers to; the numbering continues across everything one command printed."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Block = dict[str, Any]
RULE = "─" * 24
MAX_OPTIONS_SHOWN = 12
INPUT_TYPES = {
    "plain_text_input",
    "email_text_input",
    "url_text_input",
    "number_input",
    "rich_text_input",
    "static_select",
    "external_select",
    "multi_static_select",
    "multi_external_select",
    "users_select",
    "multi_users_select",
    "conversations_select",
    "multi_conversations_select",
    "channels_select",
    "multi_channels_select",
    "radio_buttons",
    "checkboxes",
    "datepicker",
    "timepicker",
    "datetimepicker",
}
INTERACTIVE_TYPES = INPUT_TYPES | {"button", "overflow", "workflow_button"}


@dataclass(frozen=True)
class Names:
    """How ids read: user id -> display name, channel id -> channel name."""

    users: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)

    def user(self, user_id: str) -> str:
        return "@" + self.users.get(user_id, user_id)

    def channel(self, channel_id: str) -> str:
        return "#" + self.channels.get(channel_id, channel_id)


@dataclass(frozen=True)
class Control:
    """A numbered interactive element: what `click N` presses."""

    number: int
    block_id: str
    element: Block


@dataclass
class Rendered:
    lines: list[str] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


# -- text ----------------------------------------------------------------------------------

_ANGLE = re.compile(r"<([^<>]+)>")


def _angle(match: re.Match[str], names: Names) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return names.user(target[1:]) if target[1:] in names.users or not label else "@" + label
    if target.startswith("#"):
        cid = target[1:]
        return names.channel(cid) if cid in names.channels or not label else "#" + label
    if target.startswith("!subteam^"):
        return label or "@group"
    if target.startswith("!date^"):
        return label or target
    if target.startswith("!"):
        return "@" + target[1:]
    if target.startswith("mailto:"):
        return label or target.removeprefix("mailto:")
    return f"{label} ({target})" if label and label != target else target


def mrkdwn(text: str, names: Names) -> str:
    """Slack markup as it reads: <@U1> -> @name, <#C1> -> #name, links as `label (url)`."""
    text = _ANGLE.sub(lambda m: _angle(m, names), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def text_of(obj: Any, names: Names) -> str:
    """A text object (plain_text or mrkdwn) or a bare string as readable text."""
    if isinstance(obj, str):
        return mrkdwn(obj, names)
    if not isinstance(obj, dict):
        return ""
    raw = str(obj.get("text", ""))
    return mrkdwn(raw, names) if obj.get("type", "mrkdwn") == "mrkdwn" else raw


_LABELLED = re.compile(r"^\*([^*\n]+)\*\n(.+)$", re.DOTALL)


def _field(obj: Any, names: Names) -> str:
    """A section field; `*Label*\\nvalue` reads as `Label: value` (`姓名：value` in Chinese)."""
    text = text_of(obj, names)
    match = _LABELLED.match(text)
    if match:
        label, value = match.group(1), match.group(2).replace(chr(10), " / ")
        colon = "：" if "\u4e00" <= label[-1:] <= "\u9fff" else ": "
        return f"{label}{colon}{value}"
    return text.replace("\n", " / ")


def _indent(text: str, prefix: str) -> list[str]:
    return [prefix + line for line in text.split("\n")]


# -- element values ------------------------------------------------------------------------


def option_text(option: Any, names: Names) -> str:
    return text_of(option.get("text"), names) if isinstance(option, dict) else ""


def options_of(element: Block) -> list[Block]:
    """Every option of a select / radio / checkbox / overflow, groups flattened."""
    found = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        found.extend(group.get("options") or [])
    return found


def describe_value(entry: Mapping[str, Any] | None, names: Names) -> str:
    """A state.values entry (what the user picked or typed) as text; "—" when empty."""
    if not entry:
        return "—"
    if entry.get("value") not in (None, ""):
        return f"“{entry['value']}”"
    if entry.get("rich_text_value"):
        return f"“{_rich_text(entry['rich_text_value'], names)}”"
    if entry.get("selected_option"):
        return option_text(entry["selected_option"], names)
    if entry.get("selected_options"):
        return ", ".join(option_text(o, names) for o in entry["selected_options"])
    if entry.get("selected_user"):
        return names.user(entry["selected_user"])
    if entry.get("selected_users"):
        return ", ".join(names.user(u) for u in entry["selected_users"])
    for key in ("selected_conversation", "selected_channel"):
        if entry.get(key):
            return names.channel(entry[key])
    for key in ("selected_conversations", "selected_channels"):
        if entry.get(key):
            return ", ".join(names.channel(c) for c in entry[key])
    for key in ("selected_date", "selected_time", "selected_date_time"):
        if entry.get(key):
            return str(entry[key])
    return "—"


def _initial_display(element: Block, names: Names) -> str:
    """What an element shows before anyone touches it."""
    if element.get("initial_option"):
        return option_text(element["initial_option"], names)
    if element.get("initial_options"):
        return ", ".join(option_text(o, names) for o in element["initial_options"])
    for key in ("initial_date", "initial_time", "initial_value"):
        if element.get(key):
            return str(element[key])
    if element.get("initial_user"):
        return names.user(element["initial_user"])
    placeholder = text_of(element.get("placeholder"), names)
    return f"({placeholder})" if placeholder else ""


def _rich_text(node: Any, names: Names) -> str:
    """The text inside a rich_text block or value."""
    if isinstance(node, list):
        return "".join(_rich_text(n, names) for n in node)
    if not isinstance(node, dict):
        return ""
    kind = node.get("type")
    if kind == "text":
        return str(node.get("text", ""))
    if kind == "user":
        return names.user(str(node.get("user_id", "")))
    if kind == "channel":
        return names.channel(str(node.get("channel_id", "")))
    if kind == "link":
        return str(node.get("text") or node.get("url", ""))
    if kind == "emoji":
        return f":{node.get('name', '')}:"
    inner = _rich_text(node.get("elements") or [], names)
    if kind in ("rich_text_list",):
        return "\n".join(f"• {_rich_text(e, names)}" for e in node.get("elements") or [])
    return inner + ("\n" if kind in ("rich_text_section", "rich_text_preformatted") else "")


# -- blocks --------------------------------------------------------------------------------


class _Numberer:
    def __init__(self, first: int) -> None:
        self.next = first
        self.controls: list[Control] = []

    def control(self, block_id: str, element: Block, names: Names) -> str:
        number = self.next
        self.next += 1
        self.controls.append(Control(number, block_id, element))
        return f"[{number}] {_element_label(element, names)}"


def _element_label(element: Block, names: Names) -> str:
    kind = element.get("type", "")
    if kind == "button":
        label = text_of(element.get("text"), names)
        return f"{label} ↗ {element['url']}" if element.get("url") else label
    if kind == "overflow":
        return "⋯ " + " | ".join(option_text(o, names) for o in options_of(element))
    if kind in ("static_select", "multi_static_select", "radio_buttons", "checkboxes"):
        choices = " | ".join(option_text(o, names) for o in options_of(element)[:MAX_OPTIONS_SHOWN])
        shown = _initial_display(element, names)
        return f"▾ {shown} [{choices}]".replace("▾  [", "▾ [")
    return f"▾ {kind} {_initial_display(element, names)}".rstrip()


def block_id_of(block: Block, index: int) -> str:
    """A block's id; Slack assigns one to blocks sent without, so do the same (stably)."""
    return str(block.get("block_id") or f"b{index}")


def with_ids(blocks: list[Block]) -> list[Block]:
    """A copy of `blocks` where every block and interactive element has an id, as Slack
    hands them back in payloads."""
    out = []
    for index, block in enumerate(copy.deepcopy(blocks)):
        block["block_id"] = block_id_of(block, index)
        elements = [block.get("element"), block.get("accessory"), *(block.get("elements") or [])]
        for n, element in enumerate(elements):
            if isinstance(element, dict) and element.get("type") in INTERACTIVE_TYPES:
                element.setdefault("action_id", f"{block['block_id']}-a{n}")
        out.append(block)
    return out


def _input_lines(
    block: Block,
    bid: str,
    names: Names,
    state: Mapping[str, Any],
    errors: Mapping[str, str],
) -> list[str]:
    element = block.get("element") or {}
    label = text_of(block.get("label"), names)
    marks = [] if block.get("optional") else ["required"]
    entry = (state.get(bid) or {}).get(element.get("action_id", ""))
    value = describe_value(entry, names)
    if value == "—" and not entry:
        value = _initial_display(element, names) or "—"
    line = f"  ▸ {label}{' (' + ', '.join(marks) + ')' if marks else ''}: {value}"
    lines = [line]
    choices = [option_text(o, names) for o in options_of(element)]
    if choices:
        more = " | …" if len(choices) > MAX_OPTIONS_SHOWN else ""
        lines.append(f"      options: {' | '.join(choices[:MAX_OPTIONS_SHOWN])}{more}")
    elif element.get("type") in ("users_select", "multi_users_select"):
        lines.append("      (a person: name, @handle or id)")
    if block.get("hint"):
        lines.append(f"      {text_of(block['hint'], names)}")
    if bid in errors:
        lines.append(f"      ✗ {errors[bid]}")
    return lines


def render_blocks(
    blocks: list[Block],
    names: Names,
    *,
    first_number: int = 1,
    state: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
) -> Rendered:
    """Blocks as lines, indented by two spaces; `state` / `errors` fill modal inputs."""
    numberer = _Numberer(first_number)
    state, errors = state or {}, errors or {}
    lines: list[str] = []
    for index, block in enumerate(blocks):
        bid = block_id_of(block, index)
        kind = block.get("type")
        if kind == "header":
            lines.append(f"  == {text_of(block.get('text'), names)} ==")
        elif kind == "section":
            if block.get("text"):
                lines.extend(_indent(text_of(block["text"], names), "  "))
            for fld in block.get("fields") or []:
                lines.extend(_indent(_field(fld, names), "  "))
            accessory = block.get("accessory")
            if isinstance(accessory, dict):
                if accessory.get("type") == "image":
                    lines.append(f"    [image: {accessory.get('alt_text', '')}]")
                else:
                    lines.append("    " + numberer.control(bid, accessory, names))
        elif kind == "context":
            parts = []
            for element in block.get("elements") or []:
                if element.get("type") == "image":
                    parts.append(f"[image: {element.get('alt_text', '')}]")
                else:
                    parts.append(text_of(element, names))
            lines.extend(_indent(" ".join(parts), "  › "))
        elif kind == "divider":
            lines.append("  " + RULE)
        elif kind == "image":
            title = text_of(block.get("title"), names) or block.get("alt_text", "")
            lines.append(f"  [image: {title}]")
        elif kind == "actions":
            labels = [numberer.control(bid, e, names) for e in block.get("elements") or []]
            lines.append("  " + "   ".join(labels))
        elif kind == "input":
            lines.extend(_input_lines(block, bid, names, state, errors))
        elif kind == "rich_text":
            lines.extend(_indent(_rich_text(block.get("elements") or [], names).rstrip(), "  "))
        elif kind == "file":
            lines.append(f"  [file {block.get('external_id', '')}]")
        else:
            lines.append(f"  [{kind} block]")
    return Rendered(lines, numberer.controls)


def render_message(payload: Mapping[str, Any], names: Names, *, first_number: int = 1) -> Rendered:
    """A message: its blocks, or its plain `text` when it has none."""
    blocks = payload.get("blocks") or []
    if isinstance(blocks, list) and blocks:
        return render_blocks(blocks, names, first_number=first_number)
    return Rendered(_indent(mrkdwn(str(payload.get("text", "")), names), "  "))


def render_view(
    view: Mapping[str, Any],
    names: Names,
    *,
    first_number: int = 1,
    state: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
) -> Rendered:
    """A modal (title, blocks, submit / close) or a Home tab (blocks only)."""
    body = render_blocks(
        view.get("blocks") or [], names, first_number=first_number, state=state, errors=errors
    )
    if view.get("type") != "modal":
        return body
    title = text_of(view.get("title"), names)
    buttons = []
    if view.get("submit"):
        buttons.append(f"[submit: {text_of(view['submit'], names)}]")
    buttons.append(f"[close: {text_of(view.get('close'), names) or 'Cancel'}]")
    lines = [f"  ┌ {title}", *body.lines, "  └ " + "  ".join(buttons)]
    return Rendered(lines, body.controls)
