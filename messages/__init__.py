"""Block Kit builders: pure functions from store views to Slack payload dicts."""
