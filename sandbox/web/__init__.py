"""The sandbox as a Slack-like web page; see server.py for its HTTP API."""

from __future__ import annotations

from typing import Any

from sandbox.web.server import WebSandbox


def serve(app_bundle: Any, port: int = 0, *, host: str = "127.0.0.1",
          labels: dict[str, str] | None = None, user: str = "U0PROC1",
          channel: str | None = None) -> WebSandbox:
    """Serve the page for a sandbox the app is already wired to (`app_url` set).

    `app_bundle`: the SlackSandbox, or anything holding it as `.sandbox`/`.sb` (a test
    stack) or first in a tuple (bot.console.start_stack's answer). `labels`: user id ->
    role shown in the user switcher ("processor", "rep"...). Port 0 picks a free port."""
    sb = _sandbox_of(app_bundle)
    return WebSandbox(sb, labels=labels, user=user, channel=channel).start(host, port)


def _sandbox_of(bundle: Any) -> Any:
    if isinstance(bundle, tuple):
        bundle = bundle[0]
    for name in ("sandbox", "sb"):
        inner = getattr(bundle, name, None)
        if inner is not None and hasattr(inner, "ws"):
            return inner
    if not hasattr(bundle, "ws"):
        raise TypeError(f"not a SlackSandbox (or a bundle holding one): {bundle!r}")
    return bundle


__all__ = ["WebSandbox", "serve"]
