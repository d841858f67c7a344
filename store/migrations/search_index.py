"""Triggers that count changes to the names the fuzzy index holds (store.lookup.index), so every
process sees a rename, an import or a deletion at its next search, whoever wrote it and how
(ORM, Core bulk writes, COPY, psql). The count lives in search_index_version (one row, id 1;
no row reads as 0, so emptying every table, as the tests do, needs no re-seeding).

SQLite serialises writers, so a row trigger bumps the count at once. On PostgreSQL the bump is
a deferred constraint trigger, run at commit once per transaction: the version row is the last
lock a transaction takes, so two writers never wait on each other in a cycle (a bump at the
statement would hold it from the first rename to the commit), and a reader sees the new count
only with the committed names it counts."""

from __future__ import annotations

# table -> the columns the index reads from it
WATCHED = {"customers": ("code", "name"), "products": ("sku", "name", "active")}
_BUMP = ("INSERT INTO search_index_version (id, version) VALUES (1, 1) "
         "ON CONFLICT (id) DO UPDATE SET version = search_index_version.version + 1")


def create_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [_PG_FUNCTION] + [_pg_trigger(table, event) for table in WATCHED
                                 for event in ("insert", "delete", "update")]
    return [_sqlite_trigger(table, event) for table in WATCHED
            for event in ("insert", "delete", "update")]


def drop_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS search_index_{table}_{event} ON {table}"
                for table in WATCHED for event in ("insert", "delete", "update")] + [
            "DROP FUNCTION IF EXISTS search_index_bump()"]
    return [f"DROP TRIGGER IF EXISTS search_index_{table}_{event}"
            for table in WATCHED for event in ("insert", "delete", "update")]


def _changed(table: str) -> str:
    """Only a change of a watched value counts: a re-import writing the same names doesn't."""
    return " OR ".join(f"old.{c} IS DISTINCT FROM new.{c}" for c in WATCHED[table])


def _sqlite_trigger(table: str, event: str) -> str:
    when = ""
    if event == "update":
        when = f"OF {', '.join(WATCHED[table])} ON {table} WHEN " + _changed(table).replace(
            "IS DISTINCT FROM", "IS NOT")
    else:
        when = f"ON {table}"
    return (f"CREATE TRIGGER IF NOT EXISTS search_index_{table}_{event} AFTER "
            f"{event.upper()} {when} BEGIN {_BUMP}; END")


_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION search_index_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('orderdesk.search_index_bumped', true) IS DISTINCT FROM 'on' THEN
        {_BUMP};
        PERFORM set_config('orderdesk.search_index_bumped', 'on', true);
    END IF;
    RETURN NULL;
END $$"""


def _pg_trigger(table: str, event: str) -> str:
    if event == "update":
        what = f"UPDATE OF {', '.join(WATCHED[table])}"
        when = f" WHEN ({_changed(table)})"
    else:
        what, when = event.upper(), ""
    return (f"CREATE CONSTRAINT TRIGGER search_index_{table}_{event} AFTER {what} ON {table} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW{when} "
            "EXECUTE FUNCTION search_index_bump()")
