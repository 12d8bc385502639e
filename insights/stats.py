"""Durations and percentiles computed by the database, on PostgreSQL and on SQLite alike.

PostgreSQL has an ordered-set aggregate, percentile_cont; SQLite has none, so there the
same figure (linear interpolation between the two nearest ranks, as percentile_cont does)
is read from one windowed query: each duration is ranked within its group, and the rows at
the two ranks around the wanted position are picked out by an aggregate. Either way one
query returns every group's count, median and 90th percentile.
"""

from dataclasses import dataclass

from django.db import connections
from django.db.models import Aggregate, Count, Expression, FloatField, Func, QuerySet, Value

FRACTIONS = (0.5, 0.9)


class DaysBetween(Func):
    """Days (with fractions) from `start` to `end`; NULL when either is NULL."""

    output_field = FloatField()
    arity = 2

    def __init__(self, start, end, **extra):
        # Stored end first, so the expressions read "end - start".
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision) / 86400.0",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)."""

    function = "percentile_cont"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        fraction = float(fraction)
        if not 0.0 <= fraction <= 1.0:
            raise ValueError("A percentile is a fraction between 0 and 1.")
        super().__init__(expression, fraction=repr(fraction), **extra)


@dataclass(frozen=True)
class Spread:
    """How many durations there were, their median and their 90th percentile (days)."""

    count: int = 0
    median: float | None = None
    p90: float | None = None


def duration_spreads(
    rows: QuerySet, *, values: dict[str, Expression], group=None
) -> dict[object, dict[str, Spread]]:
    """For each value of `group` (or one group, None), each named duration's Spread.

    `values` are expressions over `rows` giving days, NULL where a row does not count
    for that duration. One query on either database."""
    vendor = connections[rows.db].vendor
    if vendor == "postgresql":
        return _with_percentile_cont(rows, values=values, group=group)
    return _with_window_ranks(rows, values=values, group=group)


def _with_percentile_cont(rows, *, values, group):
    aggregates = {}
    for i, expression in enumerate(values.values()):
        aggregates[f"n{i}"] = Count(expression)
        for j, fraction in enumerate(FRACTIONS):
            aggregates[f"p{i}_{j}"] = PercentileCont(expression, fraction)
    grouped = rows.order_by().annotate(grp=group if group is not None else Value(0))
    found = grouped.values("grp").annotate(**aggregates).order_by()
    return {row["grp"]: _spreads(row, values) for row in found}


def _spreads(row: dict, values: dict) -> dict[str, Spread]:
    return {
        name: Spread(
            count=row[f"n{i}"] or 0,
            median=row[f"p{i}_0"],
            p90=row[f"p{i}_1"],
        )
        for i, name in enumerate(values)
    }


def _with_window_ranks(rows, *, values, group):
    names = [f"v{i}" for i in range(len(values))]
    base = (
        rows.order_by()
        .annotate(grp=group if group is not None else Value(0))
        .annotate(**dict(zip(names, values.values(), strict=True)))
        .values("grp", *names)
    )
    sql, params = base.query.sql_with_params()
    ranked = ", ".join(
        f"{v}, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY {v} IS NULL, {v}) AS r_{v}, "
        f"COUNT({v}) OVER (PARTITION BY grp) AS c_{v}"
        for v in names
    )
    picked = []
    for i, v in enumerate(names):
        picked.append(f"COUNT({v}) AS n{i}")
        for j, fraction in enumerate(FRACTIONS):
            # 0-based position of the percentile among the ranked durations.
            position = f"({fraction!r} * (c_{v} - 1))"
            rank = f"(CAST({position} AS INTEGER) + 1)"
            low = f"MAX(CASE WHEN r_{v} = {rank} THEN {v} END)"
            high = f"MAX(CASE WHEN r_{v} = {rank} + 1 THEN {v} END)"
            share = f"MAX({position} - CAST({position} AS INTEGER))"
            picked.append(f"{low} + {share} * (COALESCE({high}, {low}) - {low}) AS p{i}_{j}")
    # Fixed names and the ORM's own compiled SQL; every value stays a parameter.
    query = (
        f"SELECT grp, {', '.join(picked)} FROM "  # noqa: S608
        f"(SELECT grp, {ranked} FROM ({sql}) AS base) AS ranked GROUP BY grp"
    )
    with connections[rows.db].cursor() as cursor:
        cursor.execute(query, params)
        columns = [c[0] for c in cursor.description]
        found = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return {row["grp"]: _spreads(row, values) for row in found}
