"""Settings, read from the environment once. A bad value stops start-up and names the variable."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from jobs.mail import MemorySink, Smtp, parse_smtp
from messages.i18n import LANGUAGES, normalize
from store.db import sqlite_url_for
from store.enums import Role
from store.questions import Audience
from store.refs import DEFAULT_REF_PREFIX

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


class ConfigError(Exception):
    """Configuration that cannot work; the message names the variable and the fix."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    port: int = 3000
    admins: frozenset[str] = field(default_factory=frozenset)
    default_role: Role = Role.SALES
    intake_secret: str | None = None
    # The webhook secrets of /connect/<source> (None: that endpoint answers 503).
    shopify_secret: str | None = None
    woocommerce_secret: str | None = None
    tracking_secret: str | None = None
    # One secret per shop when several Shopify shops are connected ({shop domain: secret}).
    shopify_secrets: dict[str, str] = field(default_factory=dict)
    # The rep a customer first seen on Shopify gets: {"": every shop's, domain: that shop's}.
    shopify_default_reps: dict[str, str] = field(default_factory=dict)
    data_dir: Path = Path("data")
    # The workspace time zone: digests and reports count local days in it (IANA name).
    timezone: str = "UTC"
    # What a sales rep sees of another rep's account in threads: "full" or "status".
    rep_visibility: str = "status"
    # What the refs of orders entered in Slack start with ("SO-" -> SO-100001).
    ref_prefix: str = DEFAULT_REF_PREFIX
    # Orderdesk's own address: its order links are <public_url>/o/<ref>, and unfurl in Slack.
    public_url: str | None = None
    # Other systems' order pages that unfurl too (ORDERDESK_LINK_PATTERNS): URL templates with
    # {ref}, e.g. https://erp.example.com/orders/{ref}.
    link_patterns: tuple[str, ...] = ()

    @property
    def unfurl_domains(self) -> tuple[str, ...]:
        """The hosts whose links Orderdesk unfurls (the manifest's features.unfurl_domains)."""
        urls = ([self.public_url] if self.public_url else []) + list(self.link_patterns)
        return tuple(dict.fromkeys((urlparse(u).hostname or "").lower() for u in urls))
    # Customer email (jobs/mail.py): the SMTP server and the From address; both, or no mail.
    smtp_url: str | None = None
    mail_from: str | None = None
    # /connect/mail's shared secret: the HTTP basic auth password the mail service sends.
    inbound_mail_secret: str | None = None
    # `orderdesk console` only: mail is kept in memory instead of sent (never from the env).
    mail_sink: MemorySink | None = None
    # The language of people who chose none and whose Slack locale has no catalogue ("es_ES").
    default_locale: str = "en"

    @property
    def smtp(self) -> Smtp | None:
        """The mail server, when ORDERDESK_SMTP_URL and ORDERDESK_MAIL_FROM are both set."""
        if not (self.smtp_url and self.mail_from):
            return None
        return dataclasses.replace(parse_smtp(self.smtp_url, self.mail_from),
                                   sink=self.mail_sink, default_locale=self.default_locale,
                                   timezone=self.timezone)

    @property
    def audience(self) -> Audience:
        """Who may read what in a followed thread's notices: the outbox's renderers get it."""
        return Audience(policy=self.rep_visibility, admins=self.admins,
                        default_role=self.default_role)

    @property
    def connect_secrets(self) -> dict[str, str | None]:
        """The /connect/<source> endpoints' secrets, by source (bot.connect)."""
        return {"shopify": self.shopify_secret, "woocommerce": self.woocommerce_secret,
                "tracking": self.tracking_secret,
                **{f"shopify@{shop}": secret for shop, secret in self.shopify_secrets.items()}}

    @property
    def connect_reps(self) -> dict[str, str | None]:
        """The default rep of new customers, by source and "<source>@<shop>" (bot.connect)."""
        return {f"shopify@{shop}" if shop else "shopify": rep
                for shop, rep in self.shopify_default_reps.items()}

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def has_slack_credentials(self) -> bool:
        return bool(self.slack_bot_token and self.slack_signing_secret)

    def require_slack(self) -> None:
        """For `serve`: without both credentials Slack cannot reach us, or we it."""
        missing = [
            name
            for name, value in (
                ("SLACK_BOT_TOKEN", self.slack_bot_token),
                ("SLACK_SIGNING_SECRET", self.slack_signing_secret),
            )
            if not value
        ]
        if missing:
            raise ConfigError(
                f"{' and '.join(missing)} not set. Copy them from your Slack app's settings "
                "(see README, 'Create the Slack app'), or run `orderdesk console` to try "
                "Orderdesk with the built-in Slack sandbox."
            )
        if not self.slack_bot_token.startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN must be a bot token starting with 'xoxb-'.")
        if self.slack_app_token and not self.slack_app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN must be an app-level token starting with 'xapp-'.")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("ORDERDESK_DATA_DIR", "data"))
        database_url = env.get("DATABASE_URL") or _default_sqlite_url(data_dir)
        if "://" not in database_url:
            raise ConfigError(
                f"DATABASE_URL={database_url!r} is not a URL. Use e.g. "
                "postgresql://user:pass@host/dbname or sqlite:///path/orderdesk.sqlite3."
            )
        return cls(
            database_url=database_url,
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_app_token=env.get("SLACK_APP_TOKEN") or None,
            slack_api_url=_api_url(env.get("SLACK_API_URL") or DEFAULT_SLACK_API_URL),
            port=_port(env.get("PORT", "3000")),
            admins=_admins(env.get("ORDERDESK_ADMINS", "")),
            default_role=_role(env.get("ORDERDESK_DEFAULT_ROLE", Role.SALES.value)),
            intake_secret=env.get("ORDERDESK_INTAKE_SECRET") or None,
            shopify_secret=env.get("ORDERDESK_SHOPIFY_SECRET") or None,
            woocommerce_secret=env.get("ORDERDESK_WOOCOMMERCE_SECRET") or None,
            tracking_secret=env.get("ORDERDESK_TRACKING_SECRET") or None,
            shopify_secrets=_per_shop(env.get("ORDERDESK_SHOPIFY_SECRETS", ""),
                                      "ORDERDESK_SHOPIFY_SECRETS", bare=False),
            shopify_default_reps=_per_shop(env.get("ORDERDESK_SHOPIFY_DEFAULT_REP", ""),
                                           "ORDERDESK_SHOPIFY_DEFAULT_REP", bare=True,
                                           value=_USER_ID),
            data_dir=data_dir,
            timezone=_timezone(env.get("ORDERDESK_TIMEZONE", "UTC")),
            rep_visibility=_rep_visibility(env.get("ORDERDESK_REP_VISIBILITY", "status")),
            ref_prefix=_ref_prefix(env.get("ORDERDESK_REF_PREFIX", DEFAULT_REF_PREFIX)),
            public_url=_public_url(env.get("ORDERDESK_PUBLIC_URL") or None),
            link_patterns=_link_patterns(env.get("ORDERDESK_LINK_PATTERNS", "")),
            **_mail(env),
            default_locale=_locale(env.get("ORDERDESK_DEFAULT_LOCALE", "en")),
        )


def _mail(env: Mapping[str, str]) -> dict:
    url, sender = env.get("ORDERDESK_SMTP_URL") or None, env.get("ORDERDESK_MAIL_FROM") or None
    if bool(url) != bool(sender):
        raise ConfigError("Set both ORDERDESK_SMTP_URL and ORDERDESK_MAIL_FROM for customer "
                          "email (or neither).")
    if url:
        try:
            parse_smtp(url, sender)
        except ValueError as err:
            raise ConfigError(f"{err}.") from None
    return {"smtp_url": url, "mail_from": sender,
            "inbound_mail_secret": env.get("ORDERDESK_INBOUND_MAIL_SECRET") or None}
def _per_shop(text: str, name: str, *, bare: bool, value: re.Pattern | None = None
              ) -> dict[str, str]:
    """"shop1.myshopify.com=x,shop2.myshopify.com=y" ({domain: x}); with `bare`, an entry
    without "shop=" applies to every shop (key "")."""
    out = {}
    for entry in filter(None, (e.strip() for e in text.split(","))):
        shop, sep, item = entry.rpartition("=") if "=" in entry else ("", "", entry)
        shop, item = shop.strip().lower(), item.strip()
        if (not sep and not bare) or (sep and not shop) or not item or (
                value is not None and not value.match(item)):
            raise ConfigError(f"{name}: {entry[:40]!r} is not shop.myshopify.com=<value>"
                              + (" or a Slack user id (U...)" if bare else "") + ".")
        out[shop] = item
    return out


def _default_sqlite_url(data_dir: Path) -> str:
    try:
        return sqlite_url_for(data_dir)
    except OSError as exc:
        raise ConfigError(
            f"ORDERDESK_DATA_DIR={str(data_dir)!r} cannot be created ({exc.strerror}). Point it "
            "at a directory this user can write, or set DATABASE_URL.") from None


def _api_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ConfigError(f"SLACK_API_URL={value!r} must start with http:// or https://.")
    return value if value.endswith("/") else value + "/"


def _port(value: str) -> int:
    if not (value.isascii() and value.isdecimal()) or not 0 < int(value) < 65536:
        raise ConfigError(f"PORT={value!r} must be a number from 1 to 65535.")
    return int(value)


def _admins(value: str) -> frozenset[str]:
    ids = [part.strip() for part in value.split(",") if part.strip()]
    bad = [i for i in ids if not _USER_ID.match(i)]
    if bad:
        raise ConfigError(
            f"ORDERDESK_ADMINS has {', '.join(bad)}, which is not a Slack user id. "
            "List member ids like U012AB3CD, comma-separated (Slack profile > ⋮ > Copy member ID)."
        )
    return frozenset(ids)


def _role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise ConfigError(f"ORDERDESK_DEFAULT_ROLE={value!r} must be one of: {allowed}.") from None


def _rep_visibility(value: str) -> str:
    policy = value.strip().lower()
    if policy not in ("full", "status"):
        raise ConfigError(
            f"ORDERDESK_REP_VISIBILITY={value!r} must be 'status' (other reps' accounts show "
            "status and dates only; the default) or 'full' (every rep sees everything).")
    return policy


def _ref_prefix(value: str) -> str:
    prefix = value.strip()
    if not 1 <= len(prefix) <= 16 or any(c.isdigit() or c.isspace() for c in prefix):
        raise ConfigError(
            f"ORDERDESK_REF_PREFIX={value!r} must be 1 to 16 characters without digits or "
            "spaces, e.g. SO- (orders entered in Slack get SO-100001, SO-100002, ...).")
    return prefix


def _public_url(value: str | None) -> str | None:
    if value is None:
        return None
    if not value.startswith(("https://", "http://")) or "." not in value:
        raise ConfigError(f"ORDERDESK_PUBLIC_URL={value!r} must be Orderdesk's address, e.g. "
                          "https://orders.example.com.")
    return value.rstrip("/")


def _timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = value.strip() or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"ORDERDESK_TIMEZONE={value!r} is not a time zone. Use an IANA name like UTC, "
            "Europe/Berlin or America/New_York (digests count days in it).") from None
    return name


def _link_patterns(value: str) -> tuple[str, ...]:
    patterns = tuple(p.strip() for p in value.split(",") if p.strip())
    for pattern in patterns:
        host = urlparse(pattern).hostname or ""
        if (not pattern.startswith(("https://", "http://")) or "." not in host
                or pattern.count("{ref}") != 1 or "{ref}" in host):
            raise ConfigError(
                f"ORDERDESK_LINK_PATTERNS: {pattern!r} must be a URL with {{ref}} once, after "
                "the host, e.g. https://erp.example.com/orders/{ref} (comma-separated).")
    return patterns
def _locale(value: str) -> str:
    locale = normalize(value)
    if locale is None:
        raise ConfigError(f"ORDERDESK_DEFAULT_LOCALE={value!r} is not a language Orderdesk "
                          f"speaks; use one of {', '.join(LANGUAGES)} (e.g. es or es-ES).")
    return locale
