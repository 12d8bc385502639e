"""Figures and the table: pure functions over measured latencies."""

import math
from dataclasses import asdict, dataclass, field


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile (pct from 0 to 100) of the values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def ratio(value: float, floor: float) -> float | None:
    """How many times the floor a value is; None when there is no floor to compare with."""
    return round(value / floor, 1) if floor > 0 else None


@dataclass
class Result:
    page: str
    concurrency: int
    requests: int
    failures: int
    p50_ms: float
    p95_ms: float
    per_second: float
    x_sign_in: float | None = None
    note: str = ""
    # The p50's multiple of the floor's in each pass that timed both (see ratios_by_pass).
    x_sign_in_by_pass: list[float] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def summarise(
    page: str, concurrency: int, seconds: list[float], failures: int, wall: float, note: str = ""
) -> Result:
    return Result(
        page=page,
        concurrency=concurrency,
        requests=len(seconds) + failures,
        failures=failures,
        p50_ms=round(percentile(seconds, 50) * 1000, 1),
        p95_ms=round(percentile(seconds, 95) * 1000, 1),
        per_second=round(len(seconds) / wall, 1) if wall > 0 else 0.0,
        note=note,
    )


@dataclass
class Sample:
    """One page's timed requests at one concurrency: the successes' seconds, what each
    failure was (a status or an error's name), and how long it took."""

    seconds: list[float]
    failures: list[str]
    wall: float


def summarise_samples(page: str, concurrency: int, samples: list[Sample], note: str = "") -> Result:
    """One result over several samples of the same page, as if they were one: a page timed
    in several passes, or the floor timed before every other page and again after them, so
    that the machine drifting during a run moves the floor with the pages instead of every
    ratio. The note names the kinds of failure and, over several samples, each one's p50."""
    seconds = [s for sample in samples for s in sample.seconds]
    failures = [failure for sample in samples for failure in sample.failures]
    if len(samples) > 1:
        each = ", then ".join(
            f"{percentile(sample.seconds, 50) * 1000:.1f} ms" for sample in samples
        )
        note = f"{note} p50 {each}".strip()
    if failures:
        note = f"{note} failures: {', '.join(sorted(set(failures)))}".strip()
    wall = sum(sample.wall for sample in samples)
    return summarise(page, concurrency, seconds, len(failures), wall, note)


def ratios_by_pass(page: list[Sample], floor: list[Sample]) -> list[float]:
    """The page's p50 as a multiple of the floor's p50 in each pass over the pages, which
    timed both within the same minute or so: how far a ratio moves with the machine during
    one run. Empty unless both were timed in the same passes, more than one."""
    if len(page) != len(floor) or len(page) < 2:
        return []
    found = []
    for mine, floors in zip(page, floor, strict=True):
        x = ratio(percentile(mine.seconds, 50), percentile(floors.seconds, 50))
        if x is None or not mine.seconds:
            return []
        found.append(x)
    return found


def spread(values: list[float]) -> str:
    """The lowest and highest of the values, as the table shows a range."""
    if not values:
        return ""
    low, high = min(values), max(values)
    return f"{low:g}" if low == high else f"{low:g} to {high:g}"


def with_ratios(results: list[Result], floor_page: str) -> list[Result]:
    """Each result's p50 as a multiple of the floor page's p50 at the same concurrency."""
    floors = {r.concurrency: r.p50_ms for r in results if r.page == floor_page}
    for result in results:
        result.x_sign_in = ratio(result.p50_ms, floors.get(result.concurrency, 0.0))
    return results


def table(results: list[Result]) -> str:
    """A Markdown table, one row per page, concurrency 1 and 8 side by side; a level timed
    in passes also has the range of its ratios pass by pass."""
    levels = sorted({r.concurrency for r in results})
    pages = list(dict.fromkeys(r.page for r in results))
    by = {(r.page, r.concurrency): r for r in results}
    in_passes = {r.concurrency for r in results if r.x_sign_in_by_pass}
    head = ["page"]
    for c in levels:
        head += [f"p50 c{c} ms", f"p95 c{c} ms", f"req/s c{c}", f"x sign-in c{c}"]
        if c in in_passes:
            head.append(f"x sign-in c{c} by pass")
    head.append("failures")
    lines = ["| " + " | ".join(head) + " |", "| --- |" + " ---: |" * (len(head) - 1)]
    for page in pages:
        cells = [page]
        failures = 0
        for c in levels:
            r = by.get((page, c))
            if r is None:
                cells += [""] * (5 if c in in_passes else 4)
                continue
            failures += r.failures
            x = "" if r.x_sign_in is None else f"{r.x_sign_in:g}"
            cells += [f"{r.p50_ms:g}", f"{r.p95_ms:g}", f"{r.per_second:g}", x]
            if c in in_passes:
                cells.append(spread(r.x_sign_in_by_pass))
        cells.append(str(failures))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
