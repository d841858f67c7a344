"""Periodic work the clock process runs; one module per feature, each with register_jobs()."""
