"""The count of changes to customer and product names, kept by triggers
(store.migrations.search_index): the fuzzy index (store.lookup.index) rebuilds when it moves."""

from sqlalchemy import BigInteger, event
from sqlalchemy.orm import Mapped, mapped_column

from store.migrations.search_index import WATCHED, create_statements
from store.models.base import Base


class SearchIndexVersion(Base):
    __tablename__ = "search_index_version"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)


@event.listens_for(Base.metadata, "after_create")
def _create_triggers(_metadata, connection, tables=None, **_kw) -> None:
    """create_all (the tests, a fresh demo) gets the triggers the migration makes."""
    names = {t.name for t in tables} if tables is not None else None
    if names is not None and not ({SearchIndexVersion.__tablename__, *WATCHED} <= names):
        return
    for statement in create_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)
