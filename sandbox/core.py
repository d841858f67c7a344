"""SlackSandbox: stands in for Slack on a machine that can never reach it.

It serves the Web API (point slack_sdk's WebClient at `sb.api_url`) and plays Slack towards
the app (signed slash commands, interactions and events POSTed to `sb.app_url`).

    sb = SlackSandbox(signing_secret="s3cret")
    sb.start()
    client = WebClient(base_url=sb.api_url, token=sb.bot_token)
    sb.app_url = "http://127.0.0.1:3000/slack/events"
    d = sb.slash("/order", "SO-1042", user="U0PROC1", channel="C0ORDERS")
"""

from __future__ import annotations

from collections.abc import Iterable

from sandbox.events import Events
from sandbox.faults import Faults
from sandbox.functions import Functions
from sandbox.inspection import Inspection
from sandbox.interactions import Interactions
from sandbox.model import Ack, Channel, User
from sandbox.player import Player
from sandbox.scopes import manifest_bot_scopes
from sandbox.server import SandboxServer
from sandbox.state import Workspace
from sandbox.unfurls import Unfurls

TEAM_ID = "T0ORDERDESK"
BOT_USER, BOT_ID, APP_ID = "U0BOT", "B0BOT", "A0ORDERDESK"
DEFAULT_HUMANS = (("U0ADMIN", "ada", True), ("U0PROC1", "priya", False),
                  ("U0SALES1", "sam", False), ("U0SALES2", "sofia", False),
                  ("U0MGR1", "max", False))
DEFAULT_CHANNELS = (("C0ORDERS", "orders"), ("C0TRIAGE", "order-triage"),
                    ("C0MGR", "desk-managers"), ("C0WH", "warehouse"))


class NotStartedError(RuntimeError, AttributeError):
    """Raised for sb.api_url before start(); an AttributeError so getattr(sb, "api_url",
    None) answers None."""


class SlackSandbox(Interactions, Events, Functions, Unfurls, Inspection):
    """A Slack workspace in a box; see the module docstring and sandbox/README in the report."""

    def __init__(self, signing_secret: str = "sandbox-signing-secret",
                 bot_token: str = "xoxb-sandbox", app_url: str | None = None) -> None:
        self.signing_secret = signing_secret
        self.bot_token = bot_token
        self.tokens: set[str] = {bot_token}
        self.ws = Workspace(team_id=TEAM_ID, bot_user=BOT_USER, bot_id=BOT_ID, app_id=APP_ID)
        self.ws.bot_scopes = manifest_bot_scopes()
        self.faults = Faults()
        self.player = Player(signing_secret)
        self.player.app_url = app_url
        self._server = SandboxServer(self.ws, self.faults, self.tokens)
        self._seed()

    def _seed(self) -> None:
        self.add_user(BOT_USER, "orderdesk", is_bot=True)
        self.ws.users[BOT_USER].bot_id = BOT_ID
        for user_id, name, admin in DEFAULT_HUMANS:
            self.add_user(user_id, name, is_admin=admin)
        humans = [u for u, _, _ in DEFAULT_HUMANS]
        for channel_id, name in DEFAULT_CHANNELS:
            self.add_channel(channel_id, name, members=humans)

    # -- lifecycle -----------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> SlackSandbox:
        self._server.start(host, port)
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> SlackSandbox:
        return self.start() if not self.ws.base_url else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if not self.ws.base_url:
            raise NotStartedError("SlackSandbox.start() has not been called")
        return self.ws.base_url

    @property
    def api_url(self) -> str:
        """Give this to WebClient(base_url=...)."""
        return self.base_url + "api/"

    @property
    def app_url(self) -> str | None:
        return self.player.app_url

    @app_url.setter
    def app_url(self, url: str | None) -> None:
        self.player.app_url = url

    @property
    def acks(self) -> list[Ack]:
        return self.player.acks

    @property
    def team_id(self) -> str:
        return self.ws.team_id

    @property
    def bot_user_id(self) -> str:
        return self.ws.bot_user

    @property
    def trigger_ttl(self) -> float:
        return self.ws.trigger_ttl

    @trigger_ttl.setter
    def trigger_ttl(self, seconds: float) -> None:
        self.ws.trigger_ttl = seconds

    @property
    def response_url_ttl(self) -> float:
        return self.ws.response_url_ttl

    @response_url_ttl.setter
    def response_url_ttl(self, seconds: float) -> None:
        self.ws.response_url_ttl = seconds

    # -- workspace -----------------------------------------------------------------------
    def add_user(self, user_id: str, name: str, *, is_bot: bool = False, is_admin: bool = False,
                 tz: str = "UTC", channels: Iterable[str] = (), guest: str | None = None,
                 team_id: str | None = None, stranger: bool = False,
                 locale: str = "en-US", deleted: bool = False) -> User:
        """`guest`: "multi" or "single" (channel guest); `team_id`: another organisation's
        (a Slack Connect user), `stranger` when users.info says so; `locale`: their Slack
        language (users.info with include_locale); `deleted`: deactivated, as users.info
        still tells them."""
        with self.ws.lock:
            user = User(id=user_id, name=name, is_bot=is_bot, is_admin=is_admin, tz=tz,
                        is_restricted=guest is not None, is_ultra_restricted=guest == "single",
                        is_stranger=stranger, team_id=team_id, locale=locale,
                        deleted=deleted)
            self.ws.users[user_id] = user
            for ref in channels:
                chan = self.ws.find_channel(ref)
                if chan is None:
                    raise LookupError(f"no channel {ref!r}")
                if user_id not in chan.members:
                    chan.members.append(user_id)
            self.ws.touch()
            return user

    def add_channel(self, channel_id: str, name: str, *, is_private: bool = False,
                    members: Iterable[str] = (), bot_member: bool = True,
                    ext_shared: bool = False) -> Channel:
        """A channel; the bot is a member unless bot_member=False; `ext_shared`: a Slack
        Connect channel shared with another organisation."""
        members = list(dict.fromkeys([*members, *([BOT_USER] if bot_member else [])]))
        with self.ws.lock:
            chan = Channel(id=channel_id, name=name.lstrip("#"), is_private=is_private,
                           members=members, is_ext_shared=ext_shared)
            self.ws.channels[channel_id] = chan
            self.ws.messages.setdefault(channel_id, [])
            self.ws.touch()
            return chan

    def add_dm(self, channel_id: str, users: Iterable[str]) -> Channel:
        """A DM (or group DM) between people, without the bot: Slack answers the bot's
        posts and ephemerals there with channel_not_found; slash commands and response_urls
        still work."""
        with self.ws.lock:
            chan = Channel(id=channel_id, name=f"dm-{channel_id}", is_private=True, is_im=True,
                           members=list(users))
            self.ws.channels[channel_id] = chan
            self.ws.messages.setdefault(channel_id, [])
            self.ws.touch()
            return chan

    def im_channel(self, user: str) -> str:
        """The id of the user's DM channel with the bot."""
        return self.ws.open_im(user).id
