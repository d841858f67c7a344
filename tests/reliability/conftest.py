"""The end-to-end stack fixtures, shared with tests/e2e."""

from tests.e2e.conftest import desk, stack  # noqa: F401
from tests.e2e.test_intake import intake  # noqa: F401
from tests.e2e.test_triage_support import triage  # noqa: F401
