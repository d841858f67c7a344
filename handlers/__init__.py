"""Slack listeners, one module per feature. Each module exposes register(app, deps)."""
