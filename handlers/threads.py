"""Slack listeners of the threads feature."""

from slack_bolt import App

from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Registers the threads listeners (filled in by the threads feature)."""
