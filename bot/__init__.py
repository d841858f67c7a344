"""Composition root: configuration, the Bolt app, the HTTP server, the clock and the CLI."""
