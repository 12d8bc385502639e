import pytest
from django.db import connection

from bench.plans import generic_plan, numbered, outer_from
from tests.factories.members import RegionFactory


def test_outer_from_skips_subqueries_in_the_select_list():
    sql = "SELECT a, (SELECT count(*) FROM b WHERE b.x = t.x) AS n FROM t WHERE t.y = 1"

    assert sql[outer_from(sql) :] == " FROM t WHERE t.y = 1"


def test_outer_from_of_a_statement_without_from_is_none():
    assert outer_from("SELECT 1") is None


def test_numbered_numbers_placeholders_and_reads_escaped_percent_signs():
    sql = "SELECT a FROM t WHERE b = %s AND c LIKE '%%x' AND d IN (%s, %s)"

    assert numbered(sql) == "SELECT a FROM t WHERE b = $1 AND c LIKE '%x' AND d IN ($2, $3)"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's generic plans")
def test_generic_plan_is_made_without_the_values_and_leaves_the_connection_as_it_was():
    region = RegionFactory()
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        mode = cursor.fetchone()[0]

    plan = generic_plan(
        connection.connection, 'SELECT "name" FROM "members_region" WHERE "id" = %s', [region.pk]
    )

    assert any("$1" in line for line in plan)
    assert any("rows=1 loops=1" in line for line in plan)
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == mode
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = 'bench_plan'")
        assert cursor.fetchone()[0] == 0
