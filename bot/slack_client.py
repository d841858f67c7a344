"""The one WebClient factory every caller uses (handlers, clock, CLI).

slack_sdk has no environment variable for the API URL, so the base_url comes from
settings; that is how the sandbox stands in for Slack. The default client does not
retry 429s, so we add the retry handlers here, once.
"""

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings


def make_web_client(settings: Settings, *, token: str | None = None) -> WebClient:
    return WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )
