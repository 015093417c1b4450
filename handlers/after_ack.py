"""Work after the ack, off Bolt's listener pool.

Bolt runs a listener in its listener pool and answers Slack once the listener calls ack(); the
same thread then goes on with the real work (queries, rendering, Slack calls). Under load
that work fills the pool (a kudos card waits its turn for the channel, 1 message/s), and a
new request's listener, and so its ack, waits for a free thread: at 20 clients /kudos hit
Bolt's 3 s ack timeout. And every thread doing work competes with the ack path for the GIL.

So a listener that has slow work acks, then hands the work to `after_ack`: a small pool of its
own (Bolt's lazy-listener executor, which the tests' barrier tracks too), a FIFO queue in
front of it. The listener pool then only runs acks and stays free, and only AFTER_ACK_THREADS
threads of work compete with the acks for the GIL. A failure in the work reaches the app's
error handler exactly as a listener's failure after its ack does (`response` None)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.request import BoltRequest

log = logging.getLogger("salespulse")
# Measured with bench/bench_ack.py on 2 cores: see its docstring.
AFTER_ACK_THREADS = 2


def use_after_ack_pool(app: App, threads: int = AFTER_ACK_THREADS) -> None:
    runner = app.listener_runner
    runner.lazy_listener_runner.executor = ThreadPoolExecutor(  # type: ignore[attr-defined]
        threads, thread_name_prefix="after-ack"
    )


def after_ack(request: BoltRequest, work: Callable[[], None]) -> None:
    """Queue `work` (the rest of an acknowledged listener) on the after-ack pool."""
    runner = request.context.listener_runner
    if request.context.ack.response is None:
        raise RuntimeError("after_ack before ack(): Slack would wait for the work")

    def run() -> None:
        try:
            work()
        except Exception as error:
            runner.listener_error_handler.handle(error=error, request=request, response=None)

    runner.lazy_listener_runner.executor.submit(run)  # type: ignore[attr-defined]
