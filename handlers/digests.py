"""Slack listeners of the digests feature."""

from slack_bolt import App

from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Registers the digests listeners (filled in by the digests feature)."""
