"""Work after the ack, off Bolt's listener pool.

Bolt runs a listener in its listener pool and answers Slack once the listener calls ack(); the
same thread then goes on with the real work (queries, rendering, Slack calls). Under load
that work fills the pool (a kudos card waits its turn for the channel, 1 message/s), and a
new request's listener, and so its ack, waits for a free thread: at 20 clients /kudos hit
Bolt's 3 s ack timeout. And every thread doing work competes with the ack path for the GIL.

So a listener that has slow work acks, then hands the work to `after_ack`: a small pool of its
own (Bolt's lazy-listener executor, which the tests' barrier tracks too), a FIFO queue in
front of it. The listener pool then only runs acks and stays free, and only AFTER_ACK_THREADS
threads of work compete with the acks for the GIL; each piece of work starts when no ack is
waiting (`Acks`). A failure in the work reaches the app's error handler exactly as a
listener's failure after its ack does (`response` None)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.request import BoltRequest

# Two: one may wait for Slack (a card's turn in the channel) while the other works; more
# only contend for the GIL. Measured with bench/bench_ack.py on 2 cores: see its docstring.
AFTER_ACK_THREADS = 2
# Work waits at most this long for the acks in flight before it starts anyway: under a long
# burst the replies are late, never lost.
MAX_PAUSE = 0.5


class Acks:
    """The Slack requests received and not yet answered, process-wide (handlers/web.py counts
    them). Work on the after-ack pool starts only when there are none, up to MAX_PAUSE: an
    ack is a few ms of Python, a scorecard tens, and with one GIL every thread that runs
    Python slows the acks down."""

    def __init__(self) -> None:
        self._pending = 0
        self._idle = threading.Condition()

    def __enter__(self) -> None:
        with self._idle:
            self._pending += 1

    def __exit__(self, *exc: object) -> None:
        with self._idle:
            self._pending -= 1
            if self._pending == 0:
                self._idle.notify_all()

    def wait_idle(self, timeout: float = MAX_PAUSE) -> None:
        with self._idle:
            self._idle.wait_for(lambda: self._pending == 0, timeout)


ACKS = Acks()


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
        ACKS.wait_idle()  # acks first: see Acks
        try:
            work()
        except Exception as error:
            runner.listener_error_handler.handle(error=error, request=request, response=None)

    runner.lazy_listener_runner.executor.submit(run)  # type: ignore[attr-defined]
