"""Who may do what, where posts go, and which Slack events were answered."""
