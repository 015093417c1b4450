"""The one way to build a Slack Web API client: SLACK_API_URL as base URL and retry
handlers for 429 (honours Retry-After), 5xx and connection errors."""

from __future__ import annotations

from urllib.parse import urlsplit

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


SLACK_HOOKS = ("https", "hooks.slack.com", 443)


def _origin(url: str) -> tuple[str, str | None, int | None]:
    split = urlsplit(url)
    default_port = {"https": 443, "http": 80}.get(split.scheme)
    try:
        return split.scheme, split.hostname, split.port or default_port
    except ValueError:  # a port that is not a number
        return split.scheme, None, None


def response_url_allowed(url: object, api_url: str) -> bool:
    """Whether the bot may POST to this response_url: only Slack's own hooks host, or the
    origin of SLACK_API_URL (the tests' and demo's fake Slack). A payload names the URL, so
    anything else would let whoever wrote the payload aim the bot's requests anywhere."""
    if not isinstance(url, str):
        return False
    return _origin(url) in (SLACK_HOOKS, _origin(api_url))
