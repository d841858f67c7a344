"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import warnings

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, inspect, text
from sqlalchemy.schema import CreateIndex

from store import schema
from store.db import Database, make_engine
from store.errors import SchemaOutOfDate
from store.models import Base
from tests.support.indexes import built_on, index_definitions


@pytest.fixture
def empty_db(database_url, tmp_path):
    """A database with no tables at all (the session's PostgreSQL database is emptied first)."""
    if database_url.startswith("sqlite"):
        engine = make_engine(f"sqlite:///{tmp_path / 'migrate.sqlite3'}")
    else:
        engine = make_engine(database_url)
        Base.metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    yield Database(engine)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine)
    engine.dispose()


def test_upgrade_builds_the_schema_the_models_describe(empty_db):
    schema.upgrade(empty_db)

    with empty_db.engine.connect() as conn, warnings.catch_warnings():
        # Both say they cannot read SQLite's expression indexes (compared in the next test).
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
        diff = compare_metadata(MigrationContext.configure(
            conn, opts={"include_object": _comparable_by_alembic}), Base.metadata)
    assert diff == []
    assert schema.current_revision(empty_db) == schema.head_revision()


def test_upgrade_builds_the_expression_and_one_database_indexes_the_models_describe(empty_db):
    """Those Alembic does not compare: an index on an expression (SQLAlchemy cannot read one
    back from SQLite) or built on one database only (Alembic ignores ddl_if); each is built
    exactly where create_all builds it, on SQLite with the same statement."""
    schema.upgrade(empty_db)
    dialect = empty_db.engine.dialect
    special = [index for table in Base.metadata.tables.values() for index in table.indexes
               if not _comparable_by_alembic(index, index.name, "index", False, None)]
    assert "ix_order_ship_facts_cycle_hour" in {index.name for index in special}
    with empty_db.engine.connect() as conn:
        built = {name: sql for table in {index.table.name for index in special}
                 for name, sql in index_definitions(conn, table).items()
                 if name in {index.name for index in special}}
    described = {index.name: str(CreateIndex(index).compile(dialect=dialect))
                 for index in special if built_on(index, dialect.name)}
    if dialect.name == "postgresql":  # pg_indexes spells the statement its own way
        built, described = dict.fromkeys(built), dict.fromkeys(described)
    assert {name: sql and " ".join(sql.split()) for name, sql in built.items()} \
        == {name: sql and " ".join(sql.split()) for name, sql in described.items()}


def _comparable_by_alembic(obj, name, type_, reflected, compare_to) -> bool:
    if type_ != "index" or reflected:
        return True
    return obj._ddl_if is None and all(isinstance(e, Column) for e in obj.expressions)


def test_an_unmigrated_database_is_refused_with_the_command_to_run(empty_db):
    with pytest.raises(SchemaOutOfDate, match="orderdesk db upgrade"):
        schema.ensure_current(empty_db)


def test_upgrade_twice_is_harmless(empty_db):
    schema.upgrade(empty_db)
    schema.upgrade(empty_db)
    schema.ensure_current(empty_db)


def test_0006_backfills_the_ref_keys_of_existing_orders(empty_db):
    schema.upgrade(empty_db, "0004")
    with empty_db.engine.begin() as conn:
        conn.execute(text("INSERT INTO customers (id, code, name, currency, created_at) "
                          "VALUES (1, 'C', 'C', 'USD', '2026-01-01')"))
        for oid, ref in enumerate(["HX-02001", "#1001", "SO-100042"], start=1):
            conn.execute(text(
                "INSERT INTO orders (id, ref, customer_id, currency, ordered_at, status, "
                "fulfilment_status, payment_status, shipping_minor, source, created_at, "
                "updated_at, version_id) VALUES (:id, :ref, 1, 'USD', '2026-01-01', 'open', "
                "'unfulfilled', 'awaiting', 0, 'seed', '2026-01-01', '2026-01-01', 1)"),
                {"id": oid, "ref": ref})
    schema.upgrade(empty_db)
    with empty_db.engine.connect() as conn:
        rows = conn.execute(text("SELECT ref, ref_key, ref_prefix FROM orders ORDER BY id"))
        assert [tuple(r) for r in rows] == [("HX-02001", "hx2001", "hx"), ("#1001", "1001", ""),
                                            ("SO-100042", "so100042", "so")]


def test_the_approval_kinds_check_allows_late_returns_after_upgrade(empty_db):
    """0007: the kind column's CHECK is rebuilt with late_return (#15.3)."""
    schema.upgrade(empty_db)
    with empty_db.engine.connect() as conn:
        if empty_db.engine.dialect.name == "sqlite":
            ddl = conn.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'approvals'"))
        else:
            ddl = " ".join(conn.scalars(text(
                "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname = 'approvals' "
                "AND c.contype = 'c'")))
    assert "late_return" in ddl and ddl.count("price_override") == 1


def _discrepancies(engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT type, fingerprint FROM discrepancies ORDER BY id"))]


def test_0017_retypes_open_unusual_findings_and_its_downgrade_turns_them_back(empty_db):
    schema.upgrade(empty_db, "0016_customer_language")
    with empty_db.engine.begin() as conn:
        conn.execute(text("INSERT INTO customers (id, code, name, currency, created_at) "
                          "VALUES (1, 'C', 'C', 'USD', '2026-01-01')"))
        conn.execute(text(
            "INSERT INTO orders (id, ref, ref_key, ref_prefix, customer_id, currency, ordered_at, "
            "status, fulfilment_status, payment_status, shipping_minor, source, created_at, "
            "updated_at, version_id) VALUES (1, 'SO-1', 'so1', 'so', 1, 'USD', '2026-01-01', "
            "'open', 'unfulfilled', 'awaiting', 0, 'seed', '2026-01-01', '2026-01-01', 1)"))
        for n, fingerprint in enumerate(["other:unusual:qty:1:WID-1:120", "manual:1"], start=1):
            conn.execute(text(
                "INSERT INTO discrepancies (id, order_id, type, severity, status, fingerprint, "
                "title, evidence, opened_at, version_id) VALUES (:id, 1, 'other', 'high', "
                "'new', :f, 't', '{}', '2026-01-01', 1)"), {"id": n, "f": fingerprint})
    schema.upgrade(empty_db)
    assert _discrepancies(empty_db.engine) == [
        ("unusual_order", "unusual_order:unusual:qty:1:WID-1:120"), ("other", "manual:1")]
    config = schema.alembic_config(empty_db.engine.url.render_as_string(hide_password=False))
    with empty_db.engine.connect() as conn, conn.begin():
        config.attributes["connection"] = conn
        command.downgrade(config, "0016_customer_language")
    assert _discrepancies(empty_db.engine) == [
        ("other", "other:unusual:qty:1:WID-1:120"), ("other", "manual:1")]


def test_after_upgrade_a_rename_moves_the_search_index_version(empty_db):
    """The migration's triggers, not only create_all's, keep the fuzzy index's count."""
    schema.upgrade(empty_db)
    with empty_db.engine.begin() as conn:
        conn.execute(text("INSERT INTO customers (code, name, currency, created_at, bad_email, "
                          "notice_shipped) VALUES ('C', 'Acme', 'USD', '2026-01-01', false, "
                          "false)"))
    with empty_db.engine.begin() as conn:
        first = conn.scalar(text("SELECT version FROM search_index_version"))
        conn.execute(text("UPDATE customers SET name = 'Umbrella'"))
    with empty_db.engine.begin() as conn:
        assert conn.scalar(text("SELECT version FROM search_index_version")) == first + 1
    config = schema.alembic_config(empty_db.engine.url.render_as_string(hide_password=False))
    with empty_db.engine.connect() as conn, conn.begin():  # its downgrade removes them all
        config.attributes["connection"] = conn
        command.downgrade(config, "0020_search_index_version-1")
    with empty_db.engine.begin() as conn:
        conn.execute(text("UPDATE customers SET name = 'Initech'"))  # no trigger left to fail
        assert "search_index_version" not in inspect(conn).get_table_names()
