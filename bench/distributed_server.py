"""`salespulse serve` as a distributed app for bench_ack --distributed: SLACK_CLIENT_ID and
SLACK_CLIENT_SECRET, no SLACK_BOT_TOKEN, so every request finds its workspace in the
`installations` table (bot/core/installed.py, cached 10 s). Bolt's own OAuth (installation
store, authorize) is not part of this: Bolt authorises with the installation's token
(BENCH_INSTALLED_TOKEN) as a single-workspace app would. Run only by bench_ack.py.

    python -m bench.distributed_server PORT"""

from __future__ import annotations

import os
import sys

import uvicorn

from bot.core.config import Settings
from bot.core.deps import Deps
from bot.core.slack_client import make_client
from handlers.app import build_app
from handlers.cli_support import on_startup, settle_heap
from handlers.web import create_web_app
from storage.db import Database
from storage.models.workspaces import Installation


def install(db: Database, team_id: str, token: str) -> None:
    """The row an OAuth install would leave (idempotent: one per workspace)."""
    with db.session() as session:
        if session.get(Installation, team_id) is None:
            session.add(Installation(team_id=team_id, bot_token=token, bot_user_id="UBOT"))


def main(port: int) -> None:
    settings = Settings.from_env()
    assert settings.distributed, "needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, no bot token"
    deps = Deps.build(settings)
    token = os.environ["BENCH_INSTALLED_TOKEN"]
    install(deps.db, os.environ["BENCH_TEAM_ID"], token)
    deps.client = make_client(token, settings.slack_api_url)  # Bolt's authorisation only
    for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):  # else Bolt turns on its own OAuth
        os.environ.pop(name)  # (an empty file installation store): read into settings above
    on_startup(deps)
    web = create_web_app(build_app(deps), deps)
    settle_heap()
    uvicorn.run(web, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main(int(sys.argv[1]))
