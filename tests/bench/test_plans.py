from bench.plans import outer_from


def test_outer_from_skips_subqueries_in_the_select_list():
    sql = "SELECT a, (SELECT count(*) FROM b WHERE b.x = t.x) AS n FROM t WHERE t.y = 1"

    assert sql[outer_from(sql) :] == " FROM t WHERE t.y = 1"


def test_outer_from_of_a_statement_without_from_is_none():
    assert outer_from("SELECT 1") is None
