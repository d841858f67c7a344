"""Fixtures: a started sandbox, a WebClient on it, and a real Bolt app served over HTTP."""

from __future__ import annotations

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from sandbox import SlackSandbox
from sandbox.appserver import serve_bolt_app
from tests.support.sandbox import SECRET


@pytest.fixture
def sb():
    box = SlackSandbox(signing_secret=SECRET).start()
    yield box
    box.stop()


@pytest.fixture
def client(sb) -> WebClient:
    return WebClient(base_url=sb.api_url, token=sb.bot_token)


@pytest.fixture
def app(sb, client):
    """A real Bolt App, served by a threaded wsgiref server that sb.app_url points at.

    Listeners can be added after it is served: Bolt looks them up per request."""
    bolt = App(signing_secret=SECRET, client=client)
    running = serve_bolt_app(bolt)
    sb.app_url = running.url
    yield bolt
    running.stop()
