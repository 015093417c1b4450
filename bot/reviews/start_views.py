"""Block Kit for starting a cycle and choosing peers: the start modal, the DM listing a
person's tasks, the nomination modal and the DMs around it.

Pure functions of plain values; the ids of actions, views and blocks live here so handlers and
tests share them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.blocks import Block, button, context, fit, input_block, modal, option, plain, section
from bot.core.safe_text import safe_text
from bot.i18n import t

START_MODAL = "review_start_modal"
NOMINATE_MODAL = "review_nominate_modal"
OPEN_TASK = "review_open_task"  # opens a review (built by the "doing a review" part)
NOMINATE = "review_nominate"  # the rep's "Choose peers" button
CHANGE_PEERS = "review_change_peers"  # the manager's "Change peers" button
B_NAME, B_KIND, B_PERIOD, B_DUE, B_TEAMS, B_STEPS, B_PEERS = (
    "rv_name",
    "rv_kind",
    "rv_period",
    "rv_due",
    "rv_teams",
    "rv_steps",
    "rv_peers",
)
B_PICK = "rv_pick"  # the nomination modal's people picker
KINDS = ("monthly", "quarterly", "annual")
STEPS = ("self", "manager", "peer")
# Which field of the start modal a refusal is about (by its catalog key).
FIELD_BLOCKS = {
    "reviews.bad_name": B_NAME,
    "reviews.duplicate_name": B_NAME,
    "reviews.bad_kind": B_KIND,
    "reviews.bad_period": B_PERIOD,
    "reviews.due_in_past": B_DUE,
    "reviews.start.bad_due": B_DUE,
    "reviews.unknown_team": B_TEAMS,
    "reviews.bad_steps": B_STEPS,
    "reviews.bad_peers": B_PEERS,
}
MAX_DM_BLOCKS = 50


@dataclass(frozen=True)
class TaskLine:
    """One task in a DM: its id, role, the reviewed person's Slack id, the cycle's peers."""

    task_id: int
    role: str  # self | manager | peer | nominate
    subject: str
    peers: int = 0


def _input(block_id: str, label: str, element: dict[str, Any], optional: bool = False) -> Block:
    return input_block(block_id, label, {**element, "action_id": "value"}, optional=optional)


def start_modal(locale: str, teams: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """HR's form: name, kind, period, due date, teams (none chosen: all), steps, peers."""
    kinds = [option(t(f"reviews.start.kind_{k}", locale), k) for k in KINDS]
    steps = [option(t(f"reviews.start.step_{s}", locale), s) for s in STEPS]
    blocks = [
        _input(B_NAME, t("reviews.start.name", locale), {"type": "plain_text_input"}),
        _input(
            B_KIND,
            t("reviews.start.kind", locale),
            {"type": "static_select", "options": kinds, "initial_option": kinds[1]},
        ),
        _input(
            B_PERIOD,
            t("reviews.start.period", locale),
            {"type": "plain_text_input", "placeholder": plain("2026-Q4", 150)},
        ),
        _input(B_DUE, t("reviews.start.due", locale), {"type": "datepicker"}),
    ]
    if teams:
        options = [option(name, key) for key, name in teams][:100]
        element = {
            "type": "multi_static_select",
            "options": options,
            "placeholder": plain(t("reviews.start.teams_all", locale), 150),
        }
        blocks.append(_input(B_TEAMS, t("reviews.start.teams", locale), element, optional=True))
    blocks += [
        _input(
            B_STEPS,
            t("reviews.start.steps", locale),
            {"type": "checkboxes", "options": steps, "initial_options": steps[:2]},
        ),
        _input(
            B_PEERS,
            t("reviews.start.peers", locale),
            {"type": "number_input", "is_decimal_allowed": False, "initial_value": "2"},
            optional=True,
        ),
    ]
    return modal(
        START_MODAL,
        title=t("reviews.start.title", locale),
        submit=t("reviews.start.submit", locale),
        close=t("reviews.start.close", locale),
        blocks=blocks,
    )


def _value(values: dict[str, Any], block: str) -> dict[str, Any]:
    return values.get(block, {}).get("value") or {}


def read_start(values: dict[str, Any]) -> dict[str, Any]:
    """The start modal's answers as plain values (strings and lists; parsed by the handler)."""
    kind = _value(values, B_KIND).get("selected_option") or {}
    teams = [o["value"] for o in _value(values, B_TEAMS).get("selected_options") or []]
    steps = [o["value"] for o in _value(values, B_STEPS).get("selected_options") or []]
    return {
        "name": _value(values, B_NAME).get("value") or "",
        "kind": kind.get("value") or "",
        "period": (_value(values, B_PERIOD).get("value") or "").strip(),
        "due": _value(values, B_DUE).get("selected_date") or "",
        "teams": teams or None,
        "steps": [s for s in STEPS if s in steps],
        "peers": (_value(values, B_PEERS).get("value") or "").strip(),
    }


def task_label(line: TaskLine, locale: str) -> str:
    if line.role == "nominate":
        return t("reviews.start.task_nominate", locale, n=line.peers)
    return t(f"reviews.start.task_{line.role}", locale, subject=f"<@{line.subject}>")


def _task_block(line: TaskLine, locale: str) -> Block:
    if line.role == "nominate":
        action = button(t("reviews.start.choose_peers", locale), NOMINATE, str(line.task_id))
    else:
        action = button(t("reviews.start.open_task", locale), OPEN_TASK, str(line.task_id))
    return section("• " + task_label(line, locale), accessory=action)


def tasks_dm(locale: str, cycle: str, due: str, lines: Sequence[TaskLine]) -> dict[str, Any]:
    """The one DM a person gets when a cycle opens: every task of theirs, a button each."""
    intro = t("reviews.start.dm_intro", locale, cycle=safe_text(cycle), due=due, n=len(lines))
    text = intro + "\n" + "\n".join("• " + task_label(line, locale) for line in lines)
    blocks = [section(intro), *(_task_block(line, locale) for line in lines)]
    more = context(t("reviews.start.dm_more", locale))
    return {"text": text, "blocks": fit(blocks, MAX_DM_BLOCKS, more)}


def nominate_modal(
    locale: str, task_id: int, n: int, subject: str, current: Sequence[str], by_manager: bool
) -> dict[str, Any]:
    """Pick exactly `n` peers for `subject` (the rep, or their manager changing the choice)."""
    key = "reviews.start.nominate_for" if by_manager else "reviews.start.nominate_intro"
    element: dict[str, Any] = {"type": "multi_users_select", "max_selected_items": n}
    if current:
        element["initial_users"] = list(current)
    return modal(
        NOMINATE_MODAL,
        title=t("reviews.start.nominate_title", locale),
        submit=t("reviews.start.submit_peers", locale),
        close=t("reviews.start.close", locale),
        blocks=[
            section(t(key, locale, n=n, subject=f"<@{subject}>")),
            _input(B_PICK, t("reviews.start.pick", locale, n=n), element),
        ],
        metadata={"task": task_id},
    )


def read_pick(view: dict[str, Any]) -> tuple[int, list[str]]:
    """(the nominate task's id, the chosen Slack ids) of a submitted nomination modal."""
    meta = json.loads(view.get("private_metadata") or "{}")
    chosen = _value(view["state"]["values"], B_PICK).get("selected_users") or []
    return int(meta.get("task") or 0), list(dict.fromkeys(chosen))


def _people(ids: Sequence[str]) -> str:
    return ", ".join(f"<@{i}>" for i in ids)


def peer_task_dm(locale: str, cycle: str, due: str, line: TaskLine) -> dict[str, Any]:
    """A peer's new task (after the rep nominated them, or the manager added them)."""
    text = t(
        "reviews.start.peer_dm",
        locale,
        subject=f"<@{line.subject}>",
        cycle=safe_text(cycle),
        due=due,
    )
    action = button(t("reviews.start.open_task", locale), OPEN_TASK, str(line.task_id))
    return {"text": text, "blocks": [section(text, accessory=action)]}


def peer_cancelled_dm(locale: str, cycle: str, subject: str) -> dict[str, Any]:
    text = t(
        "reviews.start.peer_cancelled", locale, subject=f"<@{subject}>", cycle=safe_text(cycle)
    )
    return {"text": text, "blocks": [section(text)]}


def peers_chosen_dm(
    locale: str, cycle: str, subject: str, peers: Sequence[str], task_id: int
) -> dict[str, Any]:
    """To the rep's manager: whom the rep chose, with a button to change them."""
    text = t(
        "reviews.start.peers_chosen",
        locale,
        subject=f"<@{subject}>",
        peers=_people(peers),
        cycle=safe_text(cycle),
    )
    action = button(t("reviews.start.change_peers", locale), CHANGE_PEERS, str(task_id))
    return {"text": text, "blocks": [section(text, accessory=action)]}


def peers_saved(locale: str, subject: str, peers: Sequence[str], mine: bool) -> dict[str, Any]:
    """The confirmation to whoever submitted the nomination modal."""
    key = "reviews.start.peers_saved_mine" if mine else "reviews.start.peers_saved_for"
    text = t(key, locale, subject=f"<@{subject}>", peers=_people(peers))
    return {"text": text, "blocks": [section(text)]}


def started(locale: str, cycle: str, cycle_id: int, tasks: int, people: int) -> dict[str, Any]:
    """The confirmation DM to HR once the cycle is open."""
    text = t(
        "reviews.start.started",
        locale,
        cycle=safe_text(cycle),
        id=cycle_id,
        tasks=tasks,
        people=people,
    )
    return {"text": text, "blocks": [section(text)]}
