"""Browser tests: one Chromium per test process (session), a fresh demo desk and page server per
test, a fresh browser context (cookies, zone, window) per test, and screenshots of each step.
Under pytest-xdist each worker launches its own Chromium and serves on its own free ports."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from sandbox import SlackSandbox
from tests.support.browser import (
    BROWSER_ARGS,
    BareWeb,
    Steps,
    WebDesk,
    artefact_folder,
    chromium_path,
    load_demo,
    new_page,
    page_server,
)
from tests.support.stack import running_stack

# The app answers asynchronously (outbox, lazy listeners); a loaded machine takes its time.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=BROWSER_ARGS,
                                              headless=True)
        yield launched
        launched.close()


@pytest.fixture
def web_desk(db):
    """The demo desk (seeded orders, routes, triage items) with the page served on a free port."""
    with running_stack(db) as stack, page_server(stack.sb) as url:
        load_demo(stack)
        yield WebDesk(stack=stack, url=url)


@pytest.fixture(scope="module")
def bare_web():
    """The page served for an empty sandbox (no app behind it): enough for /gallery."""
    box = SlackSandbox().start()
    try:
        with page_server(box) as url:
            yield BareWeb(sb=box, url=url)
    finally:
        box.stop()


@pytest.fixture
def step(request) -> Steps:
    return Steps(artefact_folder(request.node.name))


@pytest.fixture
def page(browser, request, step):
    opened = new_page(browser)
    context = opened.context
    yield opened
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        step(opened, "failed here")
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report  # the page fixture screenshots a failure before it closes
    return report
