"""Start-up that explains itself: the database DATABASE_URL names and the bot token are tried
before anything is served, and a failure is one line naming the variable and what to do
(a ConfigError: the CLI prints it and exits 2), not a traceback."""

from __future__ import annotations

import contextlib
from pathlib import Path

from slack_sdk.errors import SlackApiError
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from bot.config import ConfigError, Settings
from store.db import Database, normalise_url, open_database
from store.schema import ensure_current

_USE = "Use postgresql://user:pass@host/dbname or sqlite:///path/orderdesk.sqlite3."


def open_checked(settings: Settings, *, check_schema: bool = True) -> Database:
    """The database, connected once (and its schema checked): a bad URL, a missing driver, an
    unreachable server or an unwritable SQLite file raise ConfigError. A SQLite file this
    attempt created is removed when it fails: no empty database is left behind."""
    url = settings.database_url
    new_file = _new_sqlite_file(url)
    db = None
    try:
        db = open_database(url)
        with db.engine.connect() as conn:
            conn.execute(text("select 1"))  # SQLite opens (and creates) its file only now
        if check_schema:
            ensure_current(db)
        return db
    except (ModuleNotFoundError, NoSuchModuleError, ArgumentError) as exc:
        _discard(db, new_file)
        raise ConfigError(f"DATABASE_URL={_shown(url)}: Orderdesk has no database driver for "
                          f"it ({_first_line(exc)}). {_USE}") from None
    except OperationalError as exc:
        _discard(db, new_file)
        raise ConfigError(_unreachable(url, exc)) from None
    except BaseException:
        _discard(db, new_file)
        raise


def check_bot_token(settings: Settings) -> None:
    """auth.test with SLACK_BOT_TOKEN: a revoked or mistyped token is named at start-up, not at
    the first slash command."""
    from bot.slack_client import make_web_client

    try:
        make_web_client(settings).auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "refused")
        raise ConfigError(
            f"SLACK_BOT_TOKEN was refused by Slack's auth.test ({error}). Copy the Bot User "
            "OAuth Token (xoxb-...) again from your app's OAuth & Permissions page; reinstall "
            "the app to the workspace if it was removed.") from None
    except OSError as exc:
        raise ConfigError(f"SLACK_API_URL={settings.slack_api_url}: Slack could not be reached "
                          f"({_first_line(exc)}). Check the network, or unset SLACK_API_URL.") \
            from None


def _unreachable(url: str, exc: OperationalError) -> str:
    reason = _first_line(exc.orig or exc)
    if _sqlite_path(url) is not None:
        return (f"DATABASE_URL={_shown(url)}: the SQLite file cannot be opened ({reason}). Point "
                "it at a path in a directory that exists and this user can write.")
    return (f"DATABASE_URL={_shown(url)}: cannot connect ({reason}). Check that the server is "
            "running and the URL's host, port, user, password and database name.")


def _shown(url: str) -> str:
    with contextlib.suppress(ArgumentError, ValueError):
        return make_url(url).render_as_string(hide_password=True)
    return url.split("@")[-1]  # unparseable: never print what may be a password


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _sqlite_path(url: str) -> Path | None:
    url = normalise_url(url)
    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        return None
    return Path(url.removeprefix("sqlite:///").split("?")[0])


def _new_sqlite_file(url: str) -> Path | None:
    path = _sqlite_path(url)
    return path if path is not None and not path.exists() else None


def _discard(db: Database | None, new_file: Path | None) -> None:
    if db is not None:
        db.dispose()
    if new_file is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            if (path := Path(f"{new_file}{suffix}")).is_file():
                path.unlink()
