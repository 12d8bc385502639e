"""The benchmark's figures and table, and the words it searches for."""

from bench import runner
from bench.client import links, resolve
from bench.runner import Page, plan
from bench.stats import (
    Result,
    Sample,
    percentile,
    ratio,
    ratios_by_pass,
    summarise,
    summarise_samples,
    table,
    with_ratios,
)
from feedback import loadgen


def test_percentile_nearest_rank_of_unsorted_values():
    values = [0.5, 0.1, 0.4, 0.2, 0.3]
    assert percentile(values, 50) == 0.3
    assert percentile(values, 95) == 0.5
    assert percentile(values, 0) == 0.1
    assert percentile([], 50) == 0.0


def test_ratio_without_a_floor_is_none():
    assert ratio(36.0, 12.0) == 3.0
    assert ratio(36.0, 0.0) is None


def test_summarise_counts_failures_as_requests_and_rates_only_successes():
    result = summarise("home", 8, [0.010, 0.020, 0.030, 0.040], 1, wall=2.0)
    assert (result.requests, result.failures) == (5, 1)
    assert (result.p50_ms, result.p95_ms, result.per_second) == (20.0, 40.0, 2.0)


def test_a_floor_timed_first_and_last_is_summarised_over_both_and_says_each_half():
    first = Sample([0.010, 0.011, 0.012], failures=[], wall=1.0)
    last = Sample([0.014, 0.015, 0.016], failures=["502"], wall=2.0)

    result = summarise_samples("sign-in page", 1, [first, last])

    assert result.p50_ms == 12.0  # of all six, not of either half
    assert (result.requests, result.failures, result.per_second) == (7, 1, 2.0)
    assert result.note == "p50 11.0 ms, then 15.0 ms failures: 502"


def test_one_sample_is_summarised_as_it_was_measured():
    result = summarise_samples("home", 8, [Sample([0.02, 0.03], [], 1.0)], "a note")
    assert (result.p50_ms, result.note) == (20.0, "a note")


def test_with_ratios_compares_with_the_sign_in_page_at_the_same_concurrency():
    results = [
        Result("sign-in page", 1, 10, 0, 10.0, 12.0, 90.0),
        Result("sign-in page", 8, 10, 0, 20.0, 30.0, 300.0),
        Result("home", 1, 10, 0, 30.0, 40.0, 30.0),
        Result("home", 8, 10, 0, 100.0, 150.0, 70.0),
    ]
    with_ratios(results, "sign-in page")
    assert [r.x_sign_in for r in results] == [1.0, 1.0, 3.0, 5.0]


def test_table_one_row_per_page_both_levels_side_by_side():
    results = with_ratios(
        [
            Result("sign-in page", 1, 5, 0, 10.0, 12.0, 90.0),
            Result("home", 1, 5, 0, 30.0, 40.0, 30.0),
            Result("home", 8, 5, 2, 100.0, 150.0, 70.0),
        ],
        "sign-in page",
    )
    lines = table(results).splitlines()
    assert lines[0].startswith(
        "| page | p50 c1 ms | p95 c1 ms | req/s c1 | x sign-in c1 | p50 c8 ms"
    )
    assert lines[2] == "| sign-in page | 10 | 12 | 90 | 1 |  |  |  |  | 0 |"
    assert lines[3] == "| home | 30 | 40 | 30 | 3 | 100 | 150 | 70 |  | 2 |"


def test_ratios_by_pass_compare_each_pass_with_the_floor_timed_in_it():
    floor = [Sample([0.010] * 3, [], 1.0), Sample([0.020] * 3, [], 1.0)]
    page = [Sample([0.030] * 3, [], 1.0), Sample([0.050] * 3, [], 1.0)]

    assert ratios_by_pass(page, floor) == [3.0, 2.5]
    # Timed once, or around the pages (the floor at concurrency 8): no pass to compare.
    assert ratios_by_pass(page[:1], floor[:1]) == []
    assert ratios_by_pass(page[:1], floor) == []


def test_table_shows_the_range_of_ratios_pass_by_pass_where_timed_in_passes():
    results = with_ratios(
        [
            Result("sign-in page", 1, 8, 0, 10.0, 12.0, 90.0, x_sign_in_by_pass=[1.0, 1.0]),
            Result("home", 1, 8, 0, 30.0, 40.0, 30.0, x_sign_in_by_pass=[2.8, 3.4]),
            Result("home", 8, 5, 0, 100.0, 150.0, 70.0),
        ],
        "sign-in page",
    )
    lines = table(results).splitlines()

    assert lines[0].startswith(
        "| page | p50 c1 ms | p95 c1 ms | req/s c1 | x sign-in c1 | x sign-in c1 by pass | p50 c8"
    )
    assert lines[2] == "| sign-in page | 10 | 12 | 90 | 1 | 1 |  |  |  |  | 0 |"
    assert lines[3] == "| home | 30 | 40 | 30 | 3 | 2.8 to 3.4 | 100 | 150 | 70 |  | 0 |"


def test_links_and_resolve_read_a_pagination_link():
    body = (
        b'<nav><a class="page-link" href="?q=a&amp;after=abc">Older <span>issues</span></a></nav>'
    )
    assert links(body) == [("?q=a&after=abc", "Older issues")]
    assert resolve("/issues/?q=a", "?q=a&after=abc") == "/issues/?q=a&after=abc"


def test_bench_search_words_are_the_generated_ones():
    assert runner.COMMON_WORD == loadgen.COMMON_WORD
    assert runner.RARE_WORD == loadgen.RARE_WORD


def test_plan_times_every_page_in_passes_at_one_at_a_time_and_the_floor_around_them_at_eight():
    floor, home, queue = (Page(name, f"/{name}/", None) for name in ("floor", "home", "queue"))

    steps = [
        (page.name, level, n, warmup)
        for page, level, n, warmup in plan(
            [floor, home, queue], [1, 8], requests=10, warmup=24, passes=3
        )
    ]

    first_pass = [("floor", 1, 4, 24), ("home", 1, 4, 24), ("queue", 1, 4, 24)]
    later_pass = [("floor", 1, 4, 0), ("home", 1, 4, 0), ("queue", 1, 4, 0)]
    at_eight = [
        ("floor", 8, 10, 24),
        ("home", 8, 10, 24),
        ("queue", 8, 10, 24),
        ("floor", 8, 10, 24),
    ]
    assert steps == first_pass + later_pass + later_pass + at_eight


def test_plan_with_one_pass_times_the_floor_first_and_last_at_every_level():
    floor, home = Page("floor", "/", None), Page("home", "/home/", None)

    steps = [(page.name, level) for page, level, _n, _w in plan([floor, home], [1], 5, 2, 1)]

    assert steps == [("floor", 1), ("home", 1), ("floor", 1)]
