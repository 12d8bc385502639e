"""`python -m bench.plans`: the query plans docs/performance.md records.

Serves each main page in-process against the benchmark's database (BENCH_DATABASE_URL, filled
by `make bench`), signed in as the demo role that looks at it, and prints, as Markdown, the
page's query count and `EXPLAIN (ANALYZE)` of its two slowest queries, each plan cut after ten
lines. A query the page ran on the plans its connection keeps (`plans_kept_for_every_value`)
is explained as that generic plan, made without its values; any other is planned for its
values, as the page's was. It only reads: GET requests, and EXPLAIN of the SELECTs they made.
"""

import os
import re
import sys
import time

from .runner import CFSN, COMMON_WORD, RARE_WORD, ROLES, database_url

PLAN_LINES = 10
SQL_CHARS = 300
COST = re.compile(r" \(cost=[^)]*\)")
PLACEHOLDER = re.compile(r"%(s|%)")


def outer_from(sql: str) -> int | None:
    """Where the statement's own FROM starts, past any in its select list's subqueries."""
    depth = 0
    for at, char in enumerate(sql):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and sql.startswith(" FROM ", at):
            return at
    return None


def numbered(sql: str) -> str:
    """Django's SQL with its placeholders numbered for PREPARE ($1, $2, …) and its escaped
    percent signs as PostgreSQL reads them."""
    count = 0

    def number(match: re.Match) -> str:
        nonlocal count
        if match.group(1) == "%":
            return "%"
        count += 1
        return f"${count}"

    return PLACEHOLDER.sub(number, sql)


def generic_plan(driver, sql: str, params) -> list[str]:
    """EXPLAIN (ANALYZE) of the plan PostgreSQL keeps for `sql` whatever its values, run with
    these ones: prepared and executed as a kept-plans page runs it."""
    from psycopg import sql as psql

    values = ", ".join(psql.Literal(value).as_string(driver) for value in params or ())
    driver.execute("SET plan_cache_mode = force_generic_plan", prepare=False)
    driver.execute(f"PREPARE bench_plan AS {numbered(sql)}", prepare=False)
    try:
        call = f"EXECUTE bench_plan({values})" if values else "EXECUTE bench_plan"
        return [row[0] for row in driver.execute(f"EXPLAIN (ANALYZE) {call}", prepare=False)]
    finally:
        driver.execute("DEALLOCATE bench_plan", prepare=False)
        driver.execute("RESET plan_cache_mode", prepare=False)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop_portal.settings")
    os.environ["DJANGO_ENV"] = "embedded"
    os.environ["DATABASE_URL"] = database_url()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from members.models import User

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT issue_id FROM feedback_comment GROUP BY issue_id ORDER BY count(*) DESC LIMIT 1"
        )
        hot_issue = cursor.fetchone()[0]
    pages = [
        ("home", "/", "practitioner"),
        ("issue list, first page", "/issues/", "practitioner"),
        ("search, a common word", f"/issues/?q={COMMON_WORD}", "practitioner"),
        ("search, a rare word", f"/issues/?q={RARE_WORD}", "practitioner"),
        ("portal search, a common word", f"/search/?q={COMMON_WORD}", "practitioner"),
        ("issue detail", f"/issues/{hot_issue}/", "practitioner"),
        ("CFSN triage queue", f"/issues/queues/{CFSN}/", "cfsn facilitator"),
        ("State-wide triage queue", "/issues/queues/statewide/", "state-wide facilitator"),
        ("executive queue", "/issues/executive/", "executive"),
        ("forum (State-wide)", "/forums/statewide/", "state-wide facilitator"),
        ("calendar", "/forums/calendar/", "practitioner"),
        ("notifications", "/notifications/", "practitioner"),
    ]
    clients = {}
    for role, email in ROLES.items():
        clients[role] = Client(HTTP_HOST="127.0.0.1")
        clients[role].force_login(User.objects.get(email=email))
    for title, path, role in pages:
        client = clients[role]
        client.get(path)  # warm: caches filled, as a second visitor finds them
        seen = []

        def record(execute, sql, params, many, context, seen=seen):
            kept = getattr(connection.connection, "portal_plans_kept", False)
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                seen.append((time.perf_counter() - began, sql, params, kept))

        with connection.execute_wrapper(record):
            status = client.get(path).status_code
        if status != 200:
            print(f"{path} answered {status}", file=sys.stderr)
            return 1
        print(f"### {title} (`{path}`): {len(seen)} queries\n")
        slowest = sorted(seen, key=lambda row: row[0], reverse=True)[:2]
        for _, sql, params, kept in slowest:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            if kept:
                explained = generic_plan(connection.connection, sql, params)
            else:
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE) {sql}", params)
                    explained = [row[0] for row in cursor.fetchall()]
            plan = [COST.sub("", line) for line in explained]
            shown = connection.ops.compose_sql(sql, params).replace('"', "")
            if (at := outer_from(shown)) is not None:  # the docs show each query from its FROM on
                shown = "SELECT …" + shown[at:]
            lines = [line for line in plan if not line.startswith(("Planning", "Execution"))]
            print("```")
            if kept:
                print("-- the generic plan the page keeps:")
            print("-- " + (shown[:SQL_CHARS] + "…" if len(shown) > SQL_CHARS else shown))
            print("\n".join(lines[:PLAN_LINES]))
            if len(lines) > PLAN_LINES:
                print(f"   … {len(lines) - PLAN_LINES} more plan lines")
            print(next(line for line in plan if line.startswith("Execution")))
            print("```")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
