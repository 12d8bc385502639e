"""What PostgreSQL has planned for the test connection's prepared statements, and how many
rows a query's plan reads."""

import json

from django.db import connection


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


def rows_read(query, table: str) -> int:
    """How many rows of `table` PostgreSQL read to answer `query` (a queryset, or the SQL
    of a query a page made): those each scan of the table kept and those it read and threw
    away."""

    def rows(node) -> int:
        own = 0
        if node.get("Relation Name") == table:
            own = node["Actual Loops"] * (
                node["Actual Rows"]
                + node.get("Rows Removed by Filter", 0)
                + node.get("Rows Removed by Index Recheck", 0)
            )
        return own + sum(rows(child) for child in node.get("Plans", []))

    if isinstance(query, str):
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query}")
            explained = cursor.fetchone()[0]
        explained = json.loads(explained) if isinstance(explained, str) else explained
    else:
        explained = json.loads(query.explain(format="json", analyze=True))
    return rows(explained[0]["Plan"])
