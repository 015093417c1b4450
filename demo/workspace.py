"""The demo's throwaway workspace: a SQLite file, the Slack emulator, the seeded data and the
real app (the same build_app + create_web_app as `serve`) on 127.0.0.1, driven by signed
requests exactly like Slack's. Real Slack settings in the environment are ignored."""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from slack_bolt import App

from bot.core.config import Settings
from bot.core.deps import Deps
from bot.core.pacing import Pace
from demo.local_server import LocalServer
from demo.seed import SeedContext, channel_names, demo_config, seeds
from demo.seed_data import TEAM_ID, Person
from demo.slack_emulator import FakeSlack
from demo.slack_requests import InFlight, SlackRequests, track_listeners
from handlers.app import build_app
from handlers.cli_support import on_startup
from handlers.web import create_web_app
from storage.types import utcnow

log = logging.getLogger(__name__)
DB_FILE = "salespulse.db"
FILES_DIR = "files"  # kept on exit, with or without --keep


@dataclass
class Workspace:
    dir: Path
    keep: bool
    deps: Deps
    fake: FakeSlack
    app: App
    slack: SlackRequests
    inflight: InFlight
    channels: dict[str, str]  # channel id -> name
    people: tuple[Person, ...]
    seeded: list[str] = field(default_factory=list)  # one summary line per seed
    startup_seconds: float = 0.0
    _server: LocalServer | None = None

    @property
    def team_id(self) -> str:
        return TEAM_ID

    @property
    def files_dir(self) -> Path:
        """Where the files the bot uploads (the digest's charts) are saved."""
        return self.dir / FILES_DIR

    def close(self) -> Path | None:
        """Stop everything; without `keep` delete the workspace but for the files the bot
        uploaded, so the chart paths printed stay good: their folder, or None."""
        if self._server is not None:
            self._server.stop()
        self.slack.close()
        self.inflight.wait_idle(5)
        self.fake.stop()
        self.deps.db.dispose()  # checkpoints the WAL into the kept database file
        if self.keep:
            return self.files_dir if self.files_dir.is_dir() else None
        if not self.files_dir.is_dir():
            shutil.rmtree(self.dir, ignore_errors=True)
            return None
        for path in self.dir.iterdir():
            if path.is_dir() and path != self.files_dir:
                shutil.rmtree(path, ignore_errors=True)
            elif not path.is_dir():
                path.unlink(missing_ok=True)
        return self.files_dir


def open_workspace(
    keep: Path | None = None,
    *,
    customize: Callable[[App, Deps], None] | None = None,
    today: date | None = None,
) -> Workspace:
    """Create, migrate, seed and start everything; `customize` lets tests add listeners.
    The bot runs on the real clock; `today` moves it by whole days to that date (workspace
    time zone), so a demo (or a test) can be replayed as of any day."""
    started = time.monotonic()
    root = _workspace_dir(keep)
    token = "xoxb-demo-" + secrets.token_hex(8)
    secret = secrets.token_hex(16)
    fake = FakeSlack(team_id=TEAM_ID, bot_token=token).start()
    try:
        deps = _demo_deps(root, token, secret, fake.url)
        ctx = SeedContext(
            deps=deps, fake=fake, team_id=TEAM_ID, dir=root, today=_move_clock(deps, today)
        )
        seeded = [seed(ctx) for seed in seeds()]
        on_startup(deps)
        app = build_app(deps)
        if customize is not None:
            customize(app, deps)
        inflight = track_listeners(app)
        server = LocalServer(create_web_app(app, deps), name="demo-web")
    except BaseException:
        fake.stop()
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
        raise
    slack = SlackRequests(
        f"{server.url}/slack/events",
        secret,
        team_id=TEAM_ID,
        response_url=fake.response_url,
    )
    return Workspace(
        dir=root,
        keep=keep is not None,
        deps=deps,
        fake=fake,
        app=app,
        slack=slack,
        inflight=inflight,
        channels=channel_names(deps.config),
        people=ctx.people,
        seeded=seeded,
        startup_seconds=time.monotonic() - started,
        _server=server,
    )


def _workspace_dir(keep: Path | None) -> Path:
    """`keep` (which must not hold a database yet), or a fresh temporary directory."""
    if keep is None:
        return Path(tempfile.mkdtemp(prefix="salespulse-demo-"))
    keep.mkdir(parents=True, exist_ok=True)
    if (keep / DB_FILE).exists():
        raise FileExistsError(f"{keep / DB_FILE} exists; pick an empty directory for --keep")
    return keep


def _demo_deps(root: Path, token: str, secret: str, slack_url: str) -> Deps:
    """The app's dependencies on a migrated SQLite file in `root`, talking to the emulator."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token=token,
        slack_signing_secret=secret,
        slack_app_token=None,
        slack_api_url=slack_url,
        database_url=f"sqlite:///{root / DB_FILE}",
        salespulse_config=None,
    )
    deps = Deps.build(settings, demo_config())
    # one reader at a terminal: no need to pace posts, direct or through the outbox
    deps.sender.channel_interval = 0.0
    deps.sender.pace = Pace(0, 0)
    deps.db.migrate()
    return deps


def _move_clock(deps: Deps, today: date | None) -> date:
    """Shift the bot's clock by whole days so that it is `today`; the day it then is."""
    real_today = datetime.now(ZoneInfo(deps.config.workspace.timezone)).date()
    if today is not None and today != real_today:
        shift = timedelta(days=(today - real_today).days)
        deps.clock = lambda: utcnow() + shift
    return today or real_today
