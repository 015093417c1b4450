"""Baseline for bench_ack: a bare Bolt App whose only listener is a no-op `/noop` command,
served by the SAME stack as `salespulse serve` (handlers.web.create_web_app: Starlette on
uvicorn, signature check, thread-pool dispatch, the same listener pool size, the heap settled
the same way). What a request
costs before any SalesPulse code runs. Run only by bench_ack.py.

    python -m bench.bare_server PORT"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import uvicorn
from slack_bolt import Ack, App

from bot.core.config import Settings
from bot.core.deps import Deps
from handlers.app import LISTENER_THREADS
from handlers.cli_support import settle_heap
from handlers.web import create_web_app


def bare_app(deps: Deps) -> App:
    app = App(
        client=deps.client,
        signing_secret=deps.settings.slack_signing_secret,
        token_verification_enabled=False,
        listener_executor=ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="listener"),
        raise_error_for_unhandled_request=False,
    )

    @app.command("/noop")
    def noop(ack: Ack) -> None:
        ack()

    return app


def main(port: int) -> None:
    deps = Deps.build(Settings.from_env())
    web = create_web_app(bare_app(deps), deps)
    settle_heap()
    uvicorn.run(web, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main(int(sys.argv[1]))
