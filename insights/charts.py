"""Charts drawn on the server as SVG, the same picture on the page and in the PDF.

Every drawn value is also written as text, every series has its own pattern as well as its
colour and a legend, and the SVG names itself (role="img", <title>, <desc>) and points to
the table beside it, so nothing is carried by colour alone and nothing needs JavaScript.
Colours and patterns are SVG presentation attributes (not style attributes), which the
strict Content-Security-Policy allows and which WeasyPrint draws as the browser does.
"""

import datetime as dt
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from .selectors import Metric

# Each colour has at least 3:1 contrast against white (WCAG 1.4.11).
COLOURS = ("#1f5f8b", "#b3541e", "#2e7d32", "#6a3d9a", "#8a6d00", "#a4243b")
# Heat levels, lightest to darkest, with the text colour that reads on each.
HEAT = (
    ("#f4f6f8", "#212529"),
    ("#c6dbef", "#212529"),
    ("#6baed6", "#212529"),
    ("#2171b5", "#ffffff"),
    ("#08306b", "#ffffff"),
)
INK = "#212529"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
WIDTH = 760


def render_chart(metric: Metric) -> SafeString:
    """The metric's chart as SVG markup; empty for a metric shown as a table alone."""
    draw = {
        "columns": _columns,
        "bars": _bars,
        "stacked-bars": _stacked_bars,
        "heatmap": _heatmap,
        "groups": _groups,
    }.get(metric.chart)
    if draw is None or not metric.rows:
        return mark_safe("")
    height, body = draw(metric)
    ident = f"chart-{metric.slug}"
    desc = gettext("%(description)s The table “%(title)s” gives every value.") % {
        "description": metric.description,
        "title": metric.title,
    }
    return mark_safe(  # noqa: S308 - every text inside is escaped by _text or escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" class="insight-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="{escape(FONT)}">'
        f'<title id="{ident}-title">{escape(metric.title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>'
        f"{_patterns(metric.slug)}{body}</svg>"
    )


# --- Pieces ------------------------------------------------------------------------------


def _pattern_id(slug: str, i: int) -> str:
    return f"pattern-{slug}-{i}"


def _patterns(slug: str) -> str:
    """One fill per series: a colour with its own texture (solid, stripes, dots, ...)."""
    marks = (
        "",
        '<path d="M0,8 L8,0" stroke="#ffffff" stroke-width="2"/>',
        '<circle cx="4" cy="4" r="1.6" fill="#ffffff"/>',
        '<path d="M0,4 L8,4 M4,0 L4,8" stroke="#ffffff" stroke-width="1.5"/>',
        '<path d="M0,2 L8,2 M0,6 L8,6" stroke="#ffffff" stroke-width="1.2"/>',
        '<path d="M0,0 L8,8" stroke="#ffffff" stroke-width="2"/>',
    )
    defs = "".join(
        f'<pattern id="{_pattern_id(slug, i)}" width="8" height="8" '
        f'patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="{colour}"/>'
        f"{marks[i]}</pattern>"
        for i, colour in enumerate(COLOURS)
    )
    return f"<defs>{defs}</defs>"


def _fill(slug: str, i: int) -> str:
    return f"url(#{_pattern_id(slug, i % len(COLOURS))})"


def _text(
    x: float, y: float, value, *, size: int = 12, anchor: str = "start", fill="#212529", **attrs
) -> str:
    extra = "".join(f' {key}="{escape(val)}"' for key, val in attrs.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}"{extra}>{escape(display_value(value))}</text>'
    )


def display_value(value) -> str:
    """A value as the chart and the table write it."""
    if value is None:
        return "\u2013"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, dt.date):
        return f"{value:%b %Y}"
    return str(value)


def _number(value) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _legend(metric: Metric, y: float, labels: Iterable[str]) -> tuple[float, str]:
    """Swatches with their series names, wrapped across the width; returns the height."""
    parts, x, line = [], 0.0, 0
    for i, label in enumerate(labels):
        width = 26 + 7 * len(label)
        if x and x + width > WIDTH:
            x, line = 0.0, line + 1
        top = y + line * 20
        parts.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="14" height="14" '
            f'fill="{_fill(metric.slug, i)}" stroke="#212529" stroke-width="0.5"/>'
            + _text(x + 19, top + 11.5, label)
        )
        x += width + 14
    return (line + 1) * 20 + 6, "".join(parts)


def _series(metric: Metric) -> tuple[int, ...]:
    return metric.series or tuple(range(1, len(metric.columns)))


def _label(value: str, limit: int = 38) -> str:
    value = display_value(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


# --- Kinds -------------------------------------------------------------------------------


def _columns(metric: Metric) -> tuple[int, str]:
    """Grouped vertical columns: one group per row (a month), one column per series."""
    series = _series(metric)
    legend_height, legend = _legend(metric, 0, (metric.columns[i] for i in series))
    top, left, plot_height = legend_height + 18, 36, 220
    bottom = top + plot_height
    peak = max([_number(row[i]) for row in metric.rows for i in series] + [1.0])
    group = (WIDTH - left) / len(metric.rows)
    bar = max(group / (len(series) + 1), 2.0)
    parts = [legend]
    for tick in _ticks(peak):
        y = bottom - tick / peak * plot_height
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH}" y2="{y:.1f}" stroke="#dee2e6"/>'
            + _text(left - 6, y + 4, display_value(int(tick)), size=11, anchor="end")
        )
    for r, row in enumerate(metric.rows):
        x0 = left + r * group + bar / 2
        for s, i in enumerate(series):
            value = _number(row[i])
            height = value / peak * plot_height
            x = x0 + s * bar
            parts.append(
                f'<rect x="{x:.1f}" y="{bottom - height:.1f}" width="{bar - 1:.1f}" '
                f'height="{height:.1f}" fill="{_fill(metric.slug, s)}"/>'
            )
            if value:
                parts.append(
                    _text(x + bar / 2, bottom - height - 3, row[i], size=9, anchor="middle")
                )
        parts.append(
            _text(x0 + (len(series) * bar) / 2, bottom + 16, row[0], size=11, anchor="middle")
        )
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{WIDTH}" y2="{bottom}" stroke="#6c757d"/>')
    return int(bottom + 28), "".join(parts)


def _ticks(peak: float) -> list[float]:
    step = 1.0
    while peak / step > 5:
        step *= 5 if str(int(step)).startswith("2") else 2
    return [step * n for n in range(int(peak // step) + 1)]


def _bars(metric: Metric) -> tuple[int, str]:
    """Grouped horizontal bars: one group per row, one bar per series, value at its end."""
    series = _series(metric)
    legend_height, legend = (0, "")
    if len(series) > 1:
        legend_height, legend = _legend(metric, 0, (metric.columns[i] for i in series))
    left, room = 270, WIDTH - 270 - 70
    peak = max([_number(row[i]) for row in metric.rows for i in series] + [1.0])
    bar, gap = 16, 12
    parts, y = [legend], legend_height + 6
    for row in metric.rows:
        group_height = len(series) * bar
        parts.append(_text(left - 8, y + group_height / 2 + 4, _label(row[0]), anchor="end"))
        for s, i in enumerate(series):
            value = _number(row[i])
            width = value / peak * room
            parts.append(
                f'<rect x="{left}" y="{y:.1f}" width="{width:.1f}" height="{bar - 2}" '
                f'fill="{_fill(metric.slug, s)}"/>'
                + _text(left + width + 5, y + bar - 5, _with_unit(row[i], metric.unit), size=11)
            )
            y += bar
        y += gap
    parts.append(f'<line x1="{left}" y1="{legend_height}" x2="{left}" y2="{y}" stroke="#6c757d"/>')
    return int(y + 4), "".join(parts)


def _with_unit(value, unit: str) -> str:
    return "\u2013" if value is None else f"{display_value(value)}{unit}"


def _stacked_bars(metric: Metric) -> tuple[int, str]:
    """One bar per row split into its series' shares (of 100), each share written in."""
    series = _series(metric)
    legend_height, legend = _legend(metric, 0, (metric.columns[i] for i in series))
    left, room, bar = 200, WIDTH - 200 - 10, 24
    parts, y = [legend], legend_height + 6
    for row in metric.rows:
        parts.append(_text(left - 8, y + bar / 2 + 4, _label(row[0], 26), anchor="end"))
        total = sum(_number(row[i]) for i in series) or 1.0
        x = float(left)
        for s, i in enumerate(series):
            width = _number(row[i]) / total * room
            if width <= 0:
                continue
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{bar}" '
                f'fill="{_fill(metric.slug, s)}" stroke="#ffffff" stroke-width="1"/>'
            )
            if width >= 34:
                label = _with_unit(row[i], metric.unit)
                parts.append(
                    f'<rect x="{x + width / 2 - 17:.1f}" y="{y + 5:.1f}" width="34" '
                    f'height="14" rx="3" fill="#ffffff"/>'
                    + _text(x + width / 2, y + 16, label, size=11, anchor="middle")
                )
            x += width
        y += bar + 10
    return int(y + 4), "".join(parts)


def _heatmap(metric: Metric) -> tuple[int, str]:
    """A grid: rows by columns, each cell's count written in it, darker for more."""
    names = metric.columns[1:]
    left, cell_height, header = 150, 28, 120
    # Room on the right for the last slanted column name.
    cell_width = min(80.0, (WIDTH - left - 100) / max(len(names), 1))
    peak = max([_number(v) for row in metric.rows for v in row[1:]] + [1.0])
    parts = []
    for c, name in enumerate(names):
        x = left + c * cell_width + cell_width / 2
        parts.append(
            _text(
                x,
                header - 6,
                _label(name, 24),
                size=11,
                transform=f"rotate(-40 {x:.1f} {header - 6})",
            )
        )
    y = float(header)
    # Hundreds of cells: their shared attributes sit once on a group around them.
    cells, counts = [], []
    size = f'width="{cell_width - 2:.1f}" height="{cell_height - 2}"'
    for row in metric.rows:
        parts.append(_text(left - 8, y + cell_height / 2 + 4, _label(row[0], 20), anchor="end"))
        for c, value in enumerate(row[1:]):
            level = 0 if not value else min(4, 1 + int(3 * _number(value) / peak))
            fill, ink = HEAT[level]
            x = left + c * cell_width
            cells.append(f'<rect x="{x:.1f}" y="{y:.1f}" {size} fill="{fill}"/>')
            ink_attribute = "" if ink == INK else f' fill="{ink}"'
            counts.append(
                f'<text x="{x + cell_width / 2 - 1:.1f}" y="{y + cell_height / 2 + 3:.1f}"'
                f"{ink_attribute}>{escape(display_value(value))}</text>"
            )
        y += cell_height
    parts.append(
        f'<g stroke="#adb5bd" stroke-width="0.5">{"".join(cells)}</g>'
        f'<g font-size="11" text-anchor="middle" fill="{INK}">{"".join(counts)}</g>'
    )
    return int(y + 6), "".join(parts)


def group_sizes(metric: Metric) -> list[tuple[object, int, int, int]]:
    """For a table of grouped items (group, item, region, endorsements per row): each
    group, in the table's order, with its number of items, of regions and of endorsements."""
    groups: dict[object, tuple[int, set, int]] = {}
    for group, _item, region, endorsements in metric.rows:
        items, regions, total = groups.get(group, (0, set(), 0))
        groups[group] = (items + 1, regions | {region}, total + _number(endorsements))
    return [
        (group, items, len(regions), int(total))
        for group, (items, regions, total) in groups.items()
    ]


def _groups(metric: Metric) -> tuple[int, str]:
    """One bar per group of similar issues, as long as its number of issues, labelled with
    the group and how many regions raised it, the counts written at the bar's end."""
    sizes = group_sizes(metric)
    left, room, bar, gap = 230, WIDTH - 230 - 210, 18, 10
    peak = max([items for _group, items, _regions, _total in sizes] + [1])
    parts, y = [], 4.0
    for group, items, regions, endorsements in sizes:
        label = ngettext(
            "Group %(group)s, %(count)s region", "Group %(group)s, %(count)s regions", regions
        ) % {"group": display_value(group), "count": regions}
        width = items / peak * room
        parts.append(
            _text(left - 8, y + bar - 5, label, anchor="end")
            + f'<rect x="{left}" y="{y:.1f}" width="{width:.1f}" height="{bar}" '
            f'fill="{_fill(metric.slug, 0)}"/>'
            + _text(
                left + width + 6,
                y + bar - 5,
                ngettext("%(count)s issue", "%(count)s issues", items) % {"count": items}
                + ", "
                + ngettext("%(count)s endorsement", "%(count)s endorsements", endorsements)
                % {"count": endorsements},
                size=11,
            )
        )
        y += bar + gap
    parts.append(f'<line x1="{left}" y1="0" x2="{left}" y2="{y}" stroke="#6c757d"/>')
    return int(y + 4), "".join(parts)
