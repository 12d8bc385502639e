"""Queries whose best plan depends on the values they are given are planned for them."""

import pytest
from django.db import connection

from cop_portal.db import plans_for_these_values

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
