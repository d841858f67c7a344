"""Periodic digests work for the clock process."""


def register_jobs(scheduler, *, settings, db, client) -> None:
    """Add this feature's jobs to the clock's scheduler (filled in by the digests feature)."""
