"""A web app served by uvicorn in a thread on a free port (port 0): the demo's bot, and the
real HTTP endpoint the tests send signed requests to."""

from __future__ import annotations

import threading
import time
from typing import Any

import uvicorn


class LocalServer:
    """Started on construction; `url` is its base URL. As a context manager it yields the URL
    and stops on exit."""

    def __init__(self, web: Any, name: str = "local-web", timeout: float = 10.0) -> None:
        config = uvicorn.Config(web, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name=name, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the {name} server did not start")
            self._thread.join(0.01)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(5)

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.stop()
