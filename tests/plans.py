"""What PostgreSQL has planned for the test connection's prepared statements, and how much
of a table the queries run inside a block read."""

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction


def plans_made(like: str) -> tuple[int, int]:
    """(generic, custom) plans made so far for the prepared statements whose text is LIKE
    the pattern."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0) "
            "FROM pg_prepared_statements WHERE statement LIKE %s",
            [like],
        )
        generic, custom = cursor.fetchone()
        return int(generic), int(custom)


def _entries_read(table: str) -> int:
    # This transaction's reads: rows a sequential scan of the table went through, and entries
    # a scan of one of its indexes went through (an index-only scan fetches no row, but
    # reads its entries).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_tuples_returned(%s::regclass) + coalesce(("
            "  SELECT sum(pg_stat_get_xact_tuples_returned(indexrelid)) FROM pg_index"
            "  WHERE indrelid = %s::regclass"
            "), 0)",
            [table, table],
        )
        return int(cursor.fetchone()[0])


@dataclass
class Reads:
    count: int = 0


@contextlib.contextmanager
def reads_of(table: str) -> Iterator[Reads]:
    """How many rows and index entries of `table` the queries inside the block read, as
    PostgreSQL counts them (`count`, once the block is done): the block runs in one
    transaction, whose counts these are."""
    reads = Reads()
    with transaction.atomic():
        before = _entries_read(table)
        yield reads
        reads.count = _entries_read(table) - before
