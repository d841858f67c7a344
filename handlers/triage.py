"""Slack listeners of the triage feature."""

from slack_bolt import App

from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Registers the triage listeners (filled in by the triage feature)."""
