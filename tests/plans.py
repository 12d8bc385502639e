"""What PostgreSQL has planned for the test connection's prepared statements."""

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
