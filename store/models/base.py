"""Declarative base with a naming convention, so Alembic can name and drop constraints."""

import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Enum, MetaData, literal_column
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from store import clock
from store.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict: JSON, list: JSON}


def enum_column(enum_cls: type[enum.Enum], name: str, **kwargs) -> Mapped:
    """VARCHAR + CHECK rather than a native enum: migrations stay simple on both databases."""
    return mapped_column(
        Enum(
            enum_cls,
            name=name,
            native_enum=False,
            create_constraint=True,
            length=32,
            values_callable=lambda members: [m.value for m in members],
            validate_strings=True,
        ),
        **kwargs,
    )


def inline(*members: enum.Enum) -> list:
    """Enum values written into the statement rather than bound: a partial index serves a query
    only when the query states the index's condition, which SQLite matches as written (not
    through bound values in an IN list) and PostgreSQL can't prove from a generic plan's."""
    return [literal_column(f"'{m.value}'") for m in members]


def money_column(**kwargs) -> Mapped[int]:
    """Money is an integer count of minor units (cents); floats never touch it."""
    return mapped_column(BigInteger, **kwargs)


def created_at_column() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), default=clock.now, nullable=False)
