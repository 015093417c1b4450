"""What Slack would show: messages per channel, each person's open modals and Home tab,
rebuilt from the calls the emulator recorded. `absorb` turns the calls made since the last
look into what the acting person sees now (and a summary of what others got)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from demo.modal import keep_filled
from demo.render import Names, with_ids
from demo.slack_emulator import Call, FakeSlack

MESSAGE_METHODS = ("chat.postMessage", "chat.postEphemeral", "chat.update", "chat.delete")
CHECKED_PREFIXES = ("chat.", "views.", "files.", "response_url", "reactions.")


@dataclass
class Surface:
    """Something on screen that can hold buttons: a message, a modal or a Home tab."""

    kind: str  # "message" | "ephemeral" | "modal" | "home"
    payload: dict[str, Any]  # the message (text, blocks, ts) or the view (with its id)
    channel: str | None = None
    ts: str | None = None


@dataclass
class ModalState:
    view: dict[str, Any]  # blocks carry ids; "id" is the view id
    filled: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class Item:
    heading: str
    surface: Surface | None = None
    note: str = ""


@dataclass
class Batch:
    items: list[Item] = field(default_factory=list)
    others: dict[str, list[str]] = field(default_factory=dict)  # "DM" -> ["@alice", ...]
    problems: list[str] = field(default_factory=list)  # what Slack refused
    texts: list[str] = field(default_factory=list)  # raw reply texts shown to the actor

    @property
    def visible(self) -> bool:
        return bool(self.items)


def _message(params: dict[str, Any], ts: str | None) -> dict[str, Any]:
    blocks = params.get("blocks")
    return {
        "type": "message",
        "ts": ts,
        "text": params.get("text", ""),
        "blocks": with_ids(blocks) if isinstance(blocks, list) else [],
        "user": "UBOT",
        "bot_id": "BBOT",
    }


class Screen:
    def __init__(self, fake: FakeSlack, names: Names, files_dir: Path) -> None:
        self.fake, self.names, self.files_dir = fake, names, files_dir
        self.cursor = 0
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.modals: dict[str, list[ModalState]] = {}
        self.homes: dict[str, dict[str, Any]] = {}
        self._file_names: dict[str, str] = {}
        self._ephemeral_seq = 0
        self._views_made = 0

    # -- lookups ---------------------------------------------------------------------------

    def channel_messages(self, channel: str, limit: int = 10) -> list[dict[str, Any]]:
        found = [m for (ch, _), m in self.messages.items() if ch == channel]
        return found[-limit:]

    def top_modal(self, user: str) -> ModalState | None:
        stack = self.modals.get(user) or []
        return stack[-1] if stack else None

    def new_view(self, view: dict[str, Any], old_id: Any, action: str) -> dict[str, Any]:
        """A view from a view_submission response_action, with ids as Slack would give it."""
        blocks = with_ids(view.get("blocks") or [])
        self._views_made += 1
        view_id = old_id if action == "update" else f"VDEMO{self._views_made:05d}"
        return {**view, "blocks": blocks, "id": view_id}

    def _where(self, channel: str) -> str:
        if channel.startswith("D"):
            return f"DM with {self.names.user(channel[1:])}"
        return self.names.channel(channel)

    # -- absorbing new calls ---------------------------------------------------------------

    def absorb(
        self, actor: str, *, origin: str = "", channel: str = "", quiet: bool = False
    ) -> Batch:
        """Everything recorded since the last call, as seen by `actor`. `origin` is where
        the action happened ("home" renders Home republishes in full); `channel` is where
        the command was typed (response_url replies land there)."""
        calls = self.fake.calls[self.cursor :]
        self.cursor += len(calls)
        batch = Batch()
        for call in calls:
            self._check(call, batch)
            if call.response is None or not call.response.get("ok", True):
                continue
            self._apply(call, actor, origin, channel, batch)
        if quiet:
            return Batch()
        return batch

    def _check(self, call: Call, batch: Batch) -> None:
        """Calls Slack answered with ok: false (the emulator's Block Kit checks included)."""
        if not call.method.startswith(CHECKED_PREFIXES):
            return
        response = call.response or {}
        if call.response is not None and not response.get("ok", True):
            detail = "; ".join(response.get("errors") or []) or response.get("error", "")
            batch.problems.append(f"Slack refused {call.method}: {detail}")

    def _other(self, batch: Batch, what: str, user: str) -> None:
        names = batch.others.setdefault(what, [])
        if self.names.user(user) not in names:
            names.append(self.names.user(user))

    def _apply(self, call: Call, actor: str, origin: str, channel: str, batch: Batch) -> None:
        p, r = call.params, call.response or {}
        method = call.method
        if method == "chat.postMessage":
            self._posted(p, r, actor, batch)
        elif method == "chat.update":
            self._updated(p, actor, batch)
        elif method == "chat.delete":
            self.messages.pop((str(p.get("channel")), str(p.get("ts"))), None)
        elif method == "chat.postEphemeral":
            self._ephemeral(p, r, actor, batch)
        elif method == "response_url":
            self._response_url(p, actor, channel, batch)
        elif method in ("views.open", "views.push", "views.update"):
            self._view(method, p, r, actor, origin, batch)
        elif method == "views.publish":
            self._published(p, r, actor, origin, batch)
        elif method == "files.getUploadURLExternal":
            self._file_names[str(r.get("file_id"))] = str(p.get("filename"))
        elif method == "files.completeUploadExternal":
            self._save_files(p, batch)
        elif method == "reactions.add":
            where = self._where(str(p.get("channel")))
            batch.items.append(Item(f"reaction in {where}", note=f":{p.get('name')}: added"))

    def _posted(self, p: dict[str, Any], r: dict[str, Any], actor: str, batch: Batch) -> None:
        ch, ts = str(r.get("channel")), str(r.get("ts"))
        message = _message(p, ts)
        self.messages[(ch, ts)] = message
        surface = Surface("message", message, ch, ts)
        if ch.startswith("D") and ch[1:] != actor:
            self._other(batch, "DM", ch[1:])
        else:
            heading = "DM from SalesPulse" if ch.startswith("D") else f"in {self._where(ch)}"
            if p.get("thread_ts"):
                heading += " (thread reply)"
            self._show(batch, Item(heading, surface), p)

    def _updated(self, p: dict[str, Any], actor: str, batch: Batch) -> None:
        ch, ts = str(p.get("channel")), str(p.get("ts"))
        if ch[:1] in ("U", "W"):
            ch = "D" + ch
        message = _message(p, ts)
        self.messages[(ch, ts)] = message
        if ch.startswith("D") and ch[1:] != actor:
            self._other(batch, "updated DM", ch[1:])
        else:
            self._show(
                batch,
                Item(f"updated in {self._where(ch)}", Surface("message", message, ch, ts)),
                p,
            )

    def _ephemeral(self, p: dict[str, Any], r: dict[str, Any], actor: str, batch: Batch) -> None:
        if p.get("user") != actor:
            self._other(batch, "ephemeral", str(p.get("user")))
            return
        ch, ts = str(p.get("channel")), str(r.get("message_ts"))
        message = _message(p, ts)
        surface = Surface("ephemeral", message, ch, ts)
        self._show(batch, Item(f"only you, in {self._where(ch)}", surface), p)

    def _published(
        self, p: dict[str, Any], r: dict[str, Any], actor: str, origin: str, batch: Batch
    ) -> None:
        user = str(p.get("user_id"))
        view = {
            **p["view"],
            "id": r["view"]["id"],
            "blocks": with_ids(p["view"].get("blocks") or []),
        }
        self.homes[user] = view
        if user != actor:
            self._other(batch, "Home tab update", user)
            return
        if origin == "home":
            self._show(batch, Item("Home tab", Surface("home", view)), {})
        else:
            batch.items.append(Item("Home tab", note="your Home tab was updated (type `home`)"))

    def _show(self, batch: Batch, item: Item, params: dict[str, Any]) -> None:
        batch.items.append(item)
        if params.get("text"):
            batch.texts.append(str(params["text"]))

    def _response_url(self, p: dict[str, Any], actor: str, channel: str, batch: Batch) -> None:
        user = str(p.get("user", ""))
        in_channel = p.get("response_type") == "in_channel"
        if user != actor and not in_channel:
            self._other(batch, "ephemeral", user)
            return
        if p.get("delete_original") in (True, "true"):
            batch.items.append(Item("reply", note="the message you clicked was deleted"))
            return
        self._ephemeral_seq += 1
        ts = f"ephemeral.{self._ephemeral_seq:06d}"
        message = _message(p, ts)
        replaced = (
            " (replaces the message you clicked)"
            if p.get("replace_original") in (True, "true")
            else ""
        )
        if in_channel:
            self.messages[(channel, ts)] = message
            surface = Surface("message", message, channel, ts)
            heading = f"in {self._where(channel)}{replaced}"
        else:
            surface = Surface("ephemeral", message, channel, ts)
            heading = f"only you, in {self._where(channel)}{replaced}"
        self._show(batch, Item(heading, surface), p)

    def _view(
        self,
        method: str,
        p: dict[str, Any],
        r: dict[str, Any],
        actor: str,
        origin: str,
        batch: Batch,
    ) -> None:
        view = {
            **p["view"],
            "id": r["view"]["id"],
            "blocks": with_ids(p["view"].get("blocks") or []),
        }
        stack = self.modals.setdefault(actor, [])
        if method == "views.open":
            stack[:] = [ModalState(view)]
        elif method == "views.push":
            stack.append(ModalState(view))
        else:
            wanted = p.get("view_id") or r["view"]["id"]
            for user, home in self.homes.items():
                if home.get("id") == wanted or (
                    p.get("external_id") and home.get("external_id") == p.get("external_id")
                ):
                    self.homes[user] = {**view, "id": home["id"]}
                    if user == actor and origin == "home":
                        self._show(batch, Item("Home tab", Surface("home", self.homes[user])), {})
                    return
            target = next((m for m in stack if m.view.get("id") == wanted), None)
            if target is None and stack:
                target = stack[-1]
            if target is None:
                stack.append(ModalState(view))
            else:
                target.filled = keep_filled(target.filled, view)
                target.view, target.errors = {**view, "id": target.view.get("id")}, {}
        self._show_modal(
            actor,
            batch,
            {"views.open": "modal", "views.push": "modal (pushed)"}.get(method, "modal (updated)"),
        )

    def _show_modal(self, actor: str, batch: Batch, heading: str) -> None:
        top = self.top_modal(actor)
        if top is not None:
            batch.items.append(Item(heading, Surface("modal", top.view)))

    def _save_files(self, p: dict[str, Any], batch: Batch) -> None:
        files = p.get("files") if isinstance(p.get("files"), list) else []
        where = self._where(str(p["channel_id"])) if p.get("channel_id") else "no channel"
        for f in files:
            name = Path(self._file_names.get(str(f.get("id")), f"{f.get('id')}.bin")).name
            self.files_dir.mkdir(parents=True, exist_ok=True)
            path = self.files_dir / name
            counter = 1
            while path.exists():
                counter += 1
                path = self.files_dir / f"{Path(name).stem}-{counter}{Path(name).suffix}"
            path.write_bytes(self.fake.uploads.get(str(f.get("id")), b""))
            title = f.get("title") or name
            batch.items.append(Item(f"file in {where}", note=f"📎 {title} → saved to {path}"))
