"""Database helpers shared by the apps."""

import contextlib

from django.db import connection


@contextlib.contextmanager
def plans_for_these_values():
    """Queries inside are planned for the values they are given: on PostgreSQL, none of them
    runs as a prepared statement.

    A prepared statement may run on one generic plan for every value. That suits most of
    the portal's queries, whose best plan is the same for any person or forum, but not a
    search: a common word matches most issues and a rare one a handful, and the plan that is
    quick for one is slow for the other."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    driver = connection.connection
    threshold = driver.prepare_threshold
    driver.prepare_threshold = None
    try:
        yield
    finally:
        driver.prepare_threshold = threshold
