"""Demo data: the people, the config and one seed function per feature.

A feature adds its demo data by appending a function to SEEDS: `(ctx) -> summary line`.
Seeds run in order after the schema is migrated and before the app starts, with the real
services (`ctx.deps`), so the data is exactly what the bot would have stored itself."""

from __future__ import annotations

import csv
import random
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from bot.config import AppConfig
from bot.deps import Deps
from bot.org_import import import_org
from bot.slack_emulator import FakeSlack
from storage.models import User

TEAM_ID = "T0DEMO"
SHANGHAI, LOS_ANGELES = "Asia/Shanghai", "America/Los_Angeles"

# Channel ids are what the bot posts to; names are what the console shows (`channel #east`).
GENERAL = "C0GENERAL"
CHANNELS = {"recognition": "C0RECOG", "announcements": "C0ANNOUNCE"}
TEAMS = {  # team key (org import `team` column) -> (display name, channel id)
    "east": ("华东", "C0EAST"),
    "south": ("华南", "C0SOUTH"),
    "west": ("West", "C0WEST"),
}
# Extra config for features, deep-merged over the example config's sections (see demo_config).
CONFIG_OVERRIDES: dict[str, Any] = {}
EXAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "salespulse.example.toml"


@dataclass(frozen=True)
class Person:
    slack_id: str
    name: str
    handle: str  # Slack display name: what `@handle` and `as handle` use
    email: str
    team: str | None
    manager: str | None  # the manager's slack_id
    role: str
    title: str
    locale: str
    timezone: str
    hire_date: str = "2023-03-01"
    level: str = ""


def _p(
    slack_id: str,
    name: str,
    handle: str,
    team: str | None,
    manager: str | None,
    role: str,
    title: str,
    locale: str,
    tz: str = SHANGHAI,
    hired: str = "2023-03-01",
    level: str = "",
) -> Person:
    email = f"{slack_id.removeprefix('U').lower()}@salespulse-demo.example"
    return Person(
        slack_id, name, handle, email, team, manager, role, title, locale, tz, hired, level
    )


AE_ZH, AE_EN = "客户经理", "Account Executive"
PEOPLE: tuple[Person, ...] = (
    _p(
        "UZHAOMIN",
        "赵敏",
        "zhaomin",
        None,
        None,
        "manager",
        "销售总监",
        "zh-CN",
        hired="2018-06-01",
    ),
    _p("UHELEN", "Helen Xu", "helen", None, None, "hr", "HR Business Partner", "en-US"),
    _p("ULIQIANG", "李强", "liqiang", None, None, "admin", "IT 管理员", "zh-CN"),
    # 华东 east: Shanghai
    _p("UCHENJING", "陈静", "chenjing", "east", "UZHAOMIN", "manager", "华东区经理", "zh-CN"),
    _p("UXIAOWANG", "王小明", "小王", "east", "UCHENJING", "rep", AE_ZH, "zh-CN", level="L2"),
    _p("ULINA", "李娜", "lina", "east", "UCHENJING", "rep", AE_ZH, "zh-CN", level="L3"),
    _p("UZHANGWEI", "张伟", "zhangwei", "east", "UCHENJING", "rep", AE_ZH, "zh-CN", level="L1"),
    _p("UALICE", "Alice Wong", "alice", "east", "UCHENJING", "rep", AE_EN, "en-US", level="L3"),
    _p("UKEVIN", "Kevin Liu", "kevin", "east", "UCHENJING", "rep", AE_EN, "en-US", level="L2"),
    # 华南 south: Shenzhen / Guangzhou, Shanghai time
    _p("UHUANGLEI", "黄磊", "huanglei", "south", "UZHAOMIN", "manager", "华南区经理", "zh-CN"),
    _p("UZHOUJIE", "周杰", "zhoujie", "south", "UHUANGLEI", "rep", AE_ZH, "zh-CN", level="L2"),
    _p("UWUFANG", "吴芳", "wufang", "south", "UHUANGLEI", "rep", AE_ZH, "zh-CN", level="L3"),
    _p("UZHENGKAI", "郑凯", "zhengkai", "south", "UHUANGLEI", "rep", AE_ZH, "zh-CN", level="L1"),
    _p("UBOB", "Bob Chen", "bob", "south", "UHUANGLEI", "rep", AE_EN, "en-US", level="L2"),
    _p("ULINTING", "林婷", "linting", "south", "UHUANGLEI", "rep", AE_ZH, "zh-CN", level="L1"),
    # West: Los Angeles
    _p(
        "UWENDY",
        "Wendy Park",
        "wendy",
        "west",
        "UZHAOMIN",
        "manager",
        "West Region Manager",
        "en-US",
        LOS_ANGELES,
    ),
    _p(
        "UCAROL",
        "Carol Diaz",
        "carol",
        "west",
        "UWENDY",
        "rep",
        AE_EN,
        "en-US",
        LOS_ANGELES,
        level="L3",
    ),
    _p(
        "UDAVID",
        "David Kim",
        "david",
        "west",
        "UWENDY",
        "rep",
        AE_EN,
        "en-US",
        LOS_ANGELES,
        level="L2",
    ),
    _p(
        "UEMILY",
        "Emily Johnson",
        "emily",
        "west",
        "UWENDY",
        "rep",
        AE_EN,
        "en-US",
        LOS_ANGELES,
        level="L1",
    ),
    _p("USUNLI", "孙丽", "sunli", "west", "UWENDY", "rep", AE_ZH, "zh-CN", LOS_ANGELES, level="L2"),
    _p(
        "UFRANK",
        "Frank Miller",
        "frank",
        "west",
        "UWENDY",
        "rep",
        AE_EN,
        "en-US",
        LOS_ANGELES,
        level="L2",
    ),
)
DEFAULT_ACTOR = "UALICE"


def channel_names(config: AppConfig) -> dict[str, str]:
    """Channel id -> the name the console shows: config keys (`recognition`) and team names."""
    names = {GENERAL: "general"}
    for key, channel_id in config.channels.model_dump().items():
        if isinstance(channel_id, str) and channel_id:
            names[channel_id] = key
    for team, team_config in config.teams.items():
        if team_config.channel:
            names[team_config.channel] = team
    return names


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def demo_config(example: Path | None = EXAMPLE_CONFIG) -> AppConfig:
    """Workspace, channels and teams are the demo's own; every other (feature) section comes
    from salespulse.example.toml when it ships next to the code, so features that document
    their config there show up in the demo with no change here."""
    data: dict[str, Any] = {}
    if example is not None and example.exists():
        data = tomllib.loads(example.read_text(encoding="utf-8"))
    data |= {
        "workspace": {"timezone": SHANGHAI, "default_locale": "zh-CN"},
        "channels": dict(CHANNELS),
        "teams": {team: {"channel": channel} for team, (_, channel) in TEAMS.items()},
    }
    return AppConfig.model_validate(_deep_merge(data, CONFIG_OVERRIDES))


@dataclass
class SeedContext:
    deps: Deps
    fake: FakeSlack
    team_id: str
    dir: Path  # the demo workspace directory (files written here are kept with --keep)
    today: date
    rng: random.Random = field(default_factory=lambda: random.Random(20261126))
    people: tuple[Person, ...] = PEOPLE

    def user(self, session: Session, slack_id: str) -> User:
        return session.exec(
            select(User).where(User.team_id == self.team_id, User.slack_id == slack_id)
        ).one()

    def reps(self) -> list[Person]:
        return [p for p in self.people if p.role == "rep"]


Seed = Callable[[SeedContext], str]


def seed_people(ctx: SeedContext) -> str:
    """Everyone in the emulator (users.info answers) and in the directory, through the real
    org import from a CSV file."""
    for p in ctx.people:
        ctx.fake.add_user(
            p.slack_id,
            name=p.handle,
            real_name=p.name,
            email=p.email,
            locale=p.locale,
            tz=p.timezone,
        )
    path = ctx.dir / "org.csv"
    columns = ["slack_id", "name", "email", "team", "manager", "role", "title", "level"]
    columns += ["hire_date", "timezone", "locale"]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, columns)
        writer.writeheader()
        for p in ctx.people:
            row = {c: getattr(p, c) for c in columns}
            writer.writerow(row | {"team": p.team or "", "manager": p.manager or ""})
    with ctx.deps.db.session() as session:
        result = import_org(session, ctx.team_id, path)
        if not result.ok:
            raise RuntimeError(f"demo org.csv rejected: {result.errors}")
    teams = len({p.team for p in ctx.people if p.team})
    return f"org: {result.created} people in {teams} teams (imported from {path.name})"


SEEDS: list[Seed] = [seed_people]
