"""The end-to-end stack fixtures, shared with tests/e2e."""

