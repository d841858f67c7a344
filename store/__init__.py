"""The order desk's data and rules. Knows nothing about Slack."""
