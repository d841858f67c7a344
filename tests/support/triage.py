"""The `triage` fixture for the triage end-to-end tests (no tests here): the stack with the
triage desk loaded and routed (bench/app_stack.triage_on). Delivery threads are stopped after
each test."""

from __future__ import annotations

import pytest

from bench.app_stack import triage_on
from jobs import outbox as delivery


@pytest.fixture
def triage(stack):
    yield triage_on(stack)
    delivery.stop_all()
