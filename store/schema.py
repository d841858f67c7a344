"""Schema migrations (Alembic) driven from code: upgrade, current revision, and the start-up check."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from store.db import Database
from store.errors import SchemaOutOfDate

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(db: Database, revision: str = "head") -> None:
    config = alembic_config(db.engine.url.render_as_string(hide_password=False))
    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild a SQLite table (copy, drop, rename); with rows pointing
            # at it, enforced foreign keys refuse the drop. Off for the run (only outside a
            # transaction does the pragma take: hence the driver's own connection, which
            # the engine's BEGIN hook does not wrap), every reference checked before committing.
            _pragma(connection, "foreign_keys = OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite and (broken := connection.exec_driver_sql(
                        "PRAGMA foreign_key_check").fetchall()):
                    raise RuntimeError(f"the migration left broken references: {broken[:5]}")
        finally:
            if sqlite:
                _pragma(connection, "foreign_keys = ON")


def _pragma(connection, setting: str) -> None:
    connection.connection.driver_connection.execute(f"PRAGMA {setting}")


def ensure_current(db: Database) -> None:
    """`serve` and `clock` refuse an out-of-date schema rather than migrating behind an admin's back."""
    current, head = current_revision(db), head_revision()
    if current != head:
        raise SchemaOutOfDate(current, head)
