"""The fake Slack's rate-limit enforcing mode (FakeSlack.enforce_limits): chat.postMessage and
file uploads (files.completeUploadExternal) at most one per second per channel and at most
`per_minute` per workspace, the workspace limit counted over a sliding `window` (60 s as
Slack counts; a test may shorten it, with the limit scaled to match).

A call over a limit is answered 429 with Retry-After and is not accepted (a refusal, not a
violation: the client is expected to wait). What was accepted, and when, is kept, so tests
and benchmarks can prove that nothing was accepted faster than the limits."""

from __future__ import annotations

import math
import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field

LIMITED = ("chat.postMessage", "files.completeUploadExternal")


@dataclass
class RateLimits:
    per_minute: int
    channel_interval: float = 1.0
    window: float = 60.0
    accepted: list[tuple[float, str, str]] = field(default_factory=list)  # (at, team, channel)
    refused: int = 0
    refusals: list[str] = field(default_factory=list)  # why each refusal was made
    _last: dict[tuple[str, str], float] = field(default_factory=dict)
    _recent: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def per_window(self) -> int:
        return max(1, math.floor(self.per_minute * self.window / 60))

    def admit(self, team: str, channel: str, at: float) -> int | None:
        """None: accepted (and counted); else the Retry-After seconds of a refusal."""
        channel = channel[1:] if channel[:2] in ("DU", "DW") else channel  # a DM is its user's
        with self._lock:
            last = self._last.get((team, channel))
            recent = self._recent[team]
            while recent and recent[0] <= at - self.window:
                recent.popleft()
            wait, why = 0.0, ""
            if last is not None and at - last < self.channel_interval:
                wait, why = last + self.channel_interval - at, f"{channel} {at - last:.3f} s"
            if len(recent) >= self.per_window:
                wait = max(wait, recent[0] + self.window - at)
                why += f" {team} {len(recent)} in {self.window:g} s"
            if wait > 0:
                self.refused += 1
                self.refusals.append(why.strip())
                return max(1, math.ceil(wait))
            self._last[(team, channel)] = at
            recent.append(at)
            self.accepted.append((at, team, channel))
            return None

    def breaches(self) -> list[str]:
        """Accepted calls that break a limit (always none: the proof tests assert on)."""
        found: list[str] = []
        last: dict[tuple[str, str], float] = {}
        by_team: dict[str, list[float]] = defaultdict(list)
        for at, team, channel in sorted(self.accepted):
            before = last.get((team, channel))
            if before is not None and at - before < self.channel_interval:
                found.append(f"{team} {channel}: two posts {at - before:.3f} s apart")
            last[(team, channel)] = at
            times = by_team[team]
            times.append(at)
            if len(times) > self.per_window and at - times[-1 - self.per_window] < self.window:
                found.append(f"{team}: {self.per_window + 1} posts within {self.window:g} s")
        return found
