"""Demo data: a realistic, deterministic order desk (same seed -> same data)."""

from __future__ import annotations

from store.seed.demo import seed_demo

__all__ = ["seed_demo"]
