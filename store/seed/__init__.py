"""Demo data: a realistic, deterministic order desk (same seed -> same data)."""
