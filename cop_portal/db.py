"""Database helpers shared by the apps: how PostgreSQL plans the portal's queries.

With server-side binding, psycopg prepares a statement once a connection has run it
DATABASE_PREPARE_THRESHOLD times. PostgreSQL plans a prepared statement for its values on
its first five runs, then compares the generic plan's estimated cost with the average of
those plans and keeps planning for the values whenever the generic plan looks dearer. The
generic plan's estimates come from averages and default guesses, so for many of the portal's
pages it looks dearer every time, and PostgreSQL plans their queries afresh on every visit,
though the planning (3.5 ms for the issue page's issue) costs more than the query.

Two blocks set the choice for the queries run inside them:
- `plans_kept_for_every_value`: generic plans. A prepared statement is planned once per
  connection; a statement sent with parameters but not (yet) prepared gets a generic plan
  too, made afresh. For pages whose queries read by keys and indexed orders, whose best plan
  is the same for any issue, forum or person.
- `plans_for_these_values`: nothing prepared, every query planned for its values. For
  searches, where a common word and a rare one want different plans. It holds inside the
  other block too.
"""

import contextlib

from django.conf import settings
from django.db import connection
from psycopg import pq

# On the driver's connection: whether a kept-plans block has set its plan_cache_mode.
_KEPT = "portal_plans_kept"


def _driver():
    # As Django does before a query: a connection that failed its health check is replaced.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    return connection.connection


def _set_kept(driver, kept: bool) -> None:
    # A setting of the session, not one of the page's queries: sent past Django's cursor, so
    # that a page's query count is the same with and without the block; never prepared.
    statement = "SET plan_cache_mode = force_generic_plan" if kept else "RESET plan_cache_mode"
    with connection.wrap_database_errors:
        driver.execute(statement, prepare=False)
    setattr(driver, _KEPT, kept)


def _can_set(driver) -> bool:
    # A failed transaction undoes a SET made in it when it is rolled back.
    return not driver.closed and driver.info.transaction_status != pq.TransactionStatus.INERROR


@contextlib.contextmanager
def plans_for_these_values():
    """Queries inside are planned for the values they are given: on PostgreSQL, none of them
    runs as a prepared statement, and none uses a generic plan.

    A search needs it: a common word matches most issues and a rare one a handful, and the
    plan that is quick for one is slow for the other."""
    if connection.vendor != "postgresql":
        yield
        return
    driver = _driver()
    threshold = driver.prepare_threshold
    # A statement that is not prepared is planned for its values, unless a kept-plans block
    # around this one has asked for generic plans.
    kept = getattr(driver, _KEPT, False)
    try:
        driver.prepare_threshold = None
        if kept:
            _set_kept(driver, False)
        yield
    finally:
        driver.prepare_threshold = threshold
        if kept:
            if _can_set(driver):
                _set_kept(driver, True)
            else:
                # The block around this one still holds, and resets the setting when it ends.
                setattr(driver, _KEPT, True)


@contextlib.contextmanager
def plans_kept_for_every_value():
    """Queries inside run on generic plans: a prepared statement on one plan made once per
    connection, instead of being planned afresh whenever PostgreSQL guesses a plan for the
    values might be cheaper. Only for queries whose best plan does not depend on their
    values: a query whose plan turns on a value (a rare kind of meeting, a word) belongs
    outside, or in `plans_for_these_values`.

    Sets plan_cache_mode for the session, and so does nothing when DATABASE_KEPT_PLANS is
    off (behind pgbouncer in transaction mode, where the setting would pass to whichever
    client used the server connection next), inside a search's block, or when nothing is
    prepared."""
    if connection.vendor != "postgresql" or not settings.DATABASE_KEPT_PLANS:
        yield
        return
    driver = _driver()
    if getattr(driver, _KEPT, False) or driver.prepare_threshold is None:
        yield
        return
    _set_kept(driver, True)
    try:
        yield
    finally:
        if _can_set(driver):
            _set_kept(driver, False)
        else:
            setattr(driver, _KEPT, False)
