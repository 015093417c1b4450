"""The one way to build a Slack Web API client: SLACK_API_URL as base URL and retry
handlers for 429 (honours Retry-After), 5xx and connection errors."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)


def make_client(token: str | None, base_url: str) -> WebClient:
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=15,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )
