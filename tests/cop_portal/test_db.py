"""Queries whose best plan depends on the values they are given are planned for them; the
others, inside a kept-plans block, are planned once per connection."""

import psycopg
import pytest
from django.db import DatabaseError, OperationalError, connection, transaction

from cop_portal.db import plans_for_these_values, plans_kept_for_every_value
from tests.plans import plans_made

pytestmark = pytest.mark.django_db


def _prepared(marker: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{marker}%"],
        )
        return cursor.fetchone()[0]


# One statement per marker, each asked several times with other values.
STATEMENTS = {
    "outside": "SELECT count(*) FROM members_region WHERE slug = %s /* outside */",
    "inside": "SELECT count(*) FROM members_region WHERE slug = %s /* inside */",
    "after": "SELECT count(*) FROM members_region WHERE slug = %s /* after */",
}


def _ask(marker: str, times: int) -> None:
    for n in range(times):
        with connection.cursor() as cursor:
            cursor.execute(STATEMENTS[marker], [f"region-{n}"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_repeated_queries_are_prepared_but_not_those_planned_for_their_values():
    _ask("outside", 8)
    with plans_for_these_values():
        _ask("inside", 8)
    _ask("after", 8)

    assert (_prepared("outside"), _prepared("inside"), _prepared("after")) == (1, 0, 1)


@pytest.fixture(autouse=True)
def _kept_plans_on(settings):
    """As the portal runs unless told it is behind pgbouncer in transaction mode."""
    settings.DATABASE_KEPT_PLANS = True


def _mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


KEPT_STATEMENTS = {
    "left": "SELECT count(*) FROM members_region WHERE slug = %s /* left to the planner */",
    "kept": "SELECT count(*) FROM members_region WHERE slug = %s /* kept */",
}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps plans")
def test_queries_in_a_kept_plans_block_are_planned_once_and_reused():
    for _ in range(12):
        with connection.cursor() as cursor:
            cursor.execute(KEPT_STATEMENTS["left"], ["somewhere"])
    with plans_kept_for_every_value():
        for _ in range(12):
            with connection.cursor() as cursor:
                cursor.execute(KEPT_STATEMENTS["kept"], ["somewhere"])

    # Left to itself, PostgreSQL plans a prepared statement afresh for its first runs.
    assert plans_made("%left to the planner%")[1] > 0
    generic, custom = plans_made("%/* kept */%")
    assert custom == 0
    assert generic >= 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps plans")
def test_a_search_inside_a_kept_plans_block_is_still_planned_for_its_values():
    own = _mode()
    with plans_kept_for_every_value():
        assert _mode() == "force_generic_plan"
        with plans_for_these_values():
            assert _mode() == own
            _ask("inside", 8)
        assert _mode() == "force_generic_plan"
        _ask("after", 8)
    assert _mode() == own

    assert (_prepared("inside"), _prepared("after")) == (0, 1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps plans")
def test_a_failed_transaction_inside_a_block_leaves_the_connection_as_it_was():
    own = _mode()
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        plans_kept_for_every_value(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT 1 / 0")
    assert _mode() == own
    # And the next block is not mistaken for one still open.
    with plans_kept_for_every_value():
        assert _mode() == "force_generic_plan"
    assert _mode() == own


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps plans")
def test_plans_are_left_to_postgresql_when_kept_plans_are_turned_off(settings):
    """Behind pgbouncer in transaction mode a session setting would reach other clients."""
    settings.DATABASE_KEPT_PLANS = False
    own = _mode()
    with plans_kept_for_every_value():
        assert _mode() == own


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps plans")
def test_a_kept_plans_block_inside_a_search_leaves_the_search_planned_for_its_values():
    own = _mode()
    with plans_for_these_values(), plans_kept_for_every_value():
        assert _mode() == own
        _ask("inside", 8)
    assert _prepared("inside") == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps plans")
def test_a_search_that_fails_inside_a_kept_plans_block_leaves_it_whole():
    own = _mode()
    with plans_kept_for_every_value():
        with (
            pytest.raises(DatabaseError),
            transaction.atomic(),
            plans_for_these_values(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT 1 / 0")
        assert _mode() == "force_generic_plan"
        with plans_for_these_values():
            assert _mode() == own
        assert _mode() == "force_generic_plan"
    assert _mode() == own


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps plans")
@pytest.mark.django_db(transaction=True)
def test_a_lost_connection_fails_as_django_reports_it_and_is_replaced_after_the_request():
    """The setting goes past Django's cursor, yet a server that went away is still one of
    Django's database errors, so the request ends by closing the connection."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])

    with pytest.raises(OperationalError), plans_kept_for_every_value():
        pass
    connection.close_if_unusable_or_obsolete()

    with plans_kept_for_every_value():
        assert _mode() == "force_generic_plan"
