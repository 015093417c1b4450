"""The demo's people and channels as a console user names them: `小王`, `@alice`, `Carol`,
`UCAROL`, `#east`; and slash-command text escaped the way Slack does it."""

from __future__ import annotations

import re

from demo.seed_data import TEAMS, Person


class Directory:
    def __init__(self, people: tuple[Person, ...], channels: dict[str, str]) -> None:
        self.people = people
        self.channels = channels  # channel id -> name

    def person(self, text: str) -> Person | None:
        key = text.strip().removeprefix("@").casefold()
        if not key:
            return None
        for test in (
            lambda p: key in (p.slack_id.casefold(), p.handle.casefold(), p.name.casefold()),
            lambda p: any(w.casefold() == key for w in p.name.split()),
            lambda p: p.name.casefold().startswith(key) or p.handle.casefold().startswith(key),
        ):
            hits = [p for p in self.people if test(p)]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                return None
        return None

    def user_id(self, text: str) -> str | None:
        found = self.person(text)
        return found.slack_id if found else None

    def named_channel(self, text: str) -> str | None:
        """The id of a channel the demo knows, by name or id."""
        key = text.strip().removeprefix("#").casefold()
        for channel_id, name in self.channels.items():
            if key in (channel_id.casefold(), name.casefold()):
                return channel_id
        return None

    def channel_id(self, text: str) -> str | None:
        if found := self.named_channel(text):
            return found
        key = text.strip().removeprefix("#")
        if re.fullmatch(r"[CGD][A-Z0-9]{2,}", key.upper()):
            return key.upper()  # an id the config doesn't name: use it as is
        return None

    def describe(self, p: Person) -> str:
        names = TEAMS.get(p.team or "")
        team = (
            f"{p.team} ({names['name_en']} / {names['name_zh']})"
            if names
            else (p.team or "no team")
        )
        return f"{p.name} (@{p.handle}) · {p.role} · {team} · {p.locale} · {p.timezone}"

    def escape(self, text: str) -> str:
        """What Slack does to slash-command text with should_escape: @name -> <@U…|name>,
        #channel -> <#C…|name>, for names it knows; anything else stays as typed."""

        def person(match: re.Match[str]) -> str:
            word, tail = match.group(1), ""
            while word and self.person(word) is None and word[-1] in ",.;:!?，。；：！？":
                word, tail = word[:-1], word[-1] + tail
            found = self.person(word) if word else None
            return f"<@{found.slack_id}|{found.handle}>{tail}" if found else match.group(0)

        def channel(match: re.Match[str]) -> str:
            found = self.named_channel(match.group(1))  # #CRM stays a tag, not a channel
            return f"<#{found}|{self.channels[found]}>" if found else match.group(0)

        text = re.sub(r"(?<![<\w])@([^\s<>@]+)", person, text)
        return re.sub(r"(?<![<\w&])#([A-Za-z0-9_-]+)\b", channel, text)
