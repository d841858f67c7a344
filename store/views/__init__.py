"""Frozen views: what store operations hand to handlers, jobs and templates instead of ORM rows."""
