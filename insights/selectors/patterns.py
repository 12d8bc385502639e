"""Where issues come from: region by practice area, similar issues across regions, and
whose voice is heard."""

from django.db.models import (
    Count,
)
from django.utils.translation import gettext

from feedback.choices import (
    IssueStatus,
)
from members.choices import Sector

from .. import clusters
from .base import Metric, _Reading

# --- Patterns ----------------------------------------------------------------------------


def _grid(r: _Reading, found, region_key: str, area_key: str) -> tuple[tuple, ...]:
    # Grouped by ids, not names: narrower rows to group, then named from two short lists.
    counts = {(row[region_key], row[area_key]): row["n"] for row in found}
    regions = list(r.regions.items())
    if any(region is None for region, _ in counts):
        regions.append((None, gettext("No region")))
    return tuple(
        (name, *(counts.get((region, area), 0) for area in r.areas)) for region, name in regions
    )


def _heatmap_issues(r: _Reading) -> Metric:
    found = (
        r.issues()
        .filter(r.filters.in_period("submitted_at"))
        .exclude(status=IssueStatus.MERGED)
        .values("origin_forum__region", "practice_areas")
        # One joined row per issue and area: no DISTINCT (and no sort) needed.
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Metric(
        slug="heatmap-issues",
        title=gettext("Issues by region and practice area"),
        description=gettext(
            "Issues raised in the period, by the region they were raised in and "
            "their practice areas (an issue counts once in each of its areas)."
        ),
        columns=(gettext("Region"), *r.areas.values()),
        rows=_grid(r, found, "origin_forum__region", "practice_areas"),
        chart="heatmap",
    )


def _heatmap_endorsements(r: _Reading) -> Metric:
    found = (
        r.endorsements()
        .values("user__region", "issue__practice_areas")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Metric(
        slug="heatmap-endorsements",
        title=gettext("Endorsements by region and practice area"),
        description=gettext(
            "Endorsements made in the period, by the endorser's region and the "
            "practice areas of the issue endorsed."
        ),
        columns=(gettext("Region"), *r.areas.values()),
        rows=_grid(r, found, "user__region", "issue__practice_areas"),
        chart="heatmap",
    )


def _clusters(r: _Reading) -> Metric:
    candidates = (
        r.issues().filter(r.filters.in_period("submitted_at")).exclude(status=IssueStatus.MERGED)
    )
    found = clusters.similar_across_regions(r.user, candidates)
    rows, printed, links = [], [], []
    for number, cluster in enumerate(found, start=1):
        for issue in cluster:
            rows.append((number, issue.label, issue.region, issue.endorsements))
            printed.append((number, issue.printed_label, issue.region, issue.endorsements))
            links.append((None, issue.url, None, None))
    return Metric(
        slug="clusters",
        title=gettext("Similar issues in different regions"),
        description=gettext(
            "Groups of issues raised in the period in different regions that share "
            "a practice area and at least two words of their titles."
        ),
        columns=(gettext("Group"), gettext("Issue"), gettext("Region"), gettext("Endorsements")),
        rows=tuple(rows),
        chart="groups",
        links=tuple(links),
        printed_rows=tuple(printed),
    )


# --- Voice -------------------------------------------------------------------------------

SECTORS = (*Sector.values, None)


def sector_columns() -> tuple[str, ...]:
    return (
        *(gettext("%(sector)s (%%)") % {"sector": label} for label in Sector.labels),
        gettext("Not stated (%)"),
    )


def _shares(found, region_key: str, sector_key: str) -> tuple[tuple, ...]:
    by_region: dict[str | None, dict] = {}
    for row in found:
        by_region.setdefault(row[region_key], {})[row[sector_key]] = row["n"]
    rows = []
    for region in sorted(by_region, key=lambda name: (name is None, name or "")):
        counts = by_region[region]
        total = sum(counts.values())
        shares = (round(100 * counts.get(sector, 0) / total) for sector in SECTORS)
        rows.append((region or gettext("No region"), *shares, total))
    return tuple(rows)


def _voice_issues(r: _Reading) -> Metric:
    found = (
        r.issues()
        .filter(r.filters.in_period("submitted_at"))
        .exclude(status=IssueStatus.MERGED)
        .values("origin_forum__region__name", "raised_by__organisation__sector")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Metric(
        slug="voice-issues",
        title=gettext("Who raises issues, by region"),
        description=gettext(
            "The share of issues raised in the period by people from government, "
            "non-government and Aboriginal community-controlled organisations, by region."
        ),
        columns=(gettext("Region"), *sector_columns(), gettext("Issues")),
        rows=_shares(found, "origin_forum__region__name", "raised_by__organisation__sector"),
        chart="stacked-bars",
        series=(1, 2, 3, 4),
        unit="%",
    )


def _voice_endorsements(r: _Reading) -> Metric:
    found = (
        r.endorsements()
        .values("user__region__name", "user__organisation__sector")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Metric(
        slug="voice-endorsements",
        title=gettext("Who endorses issues, by region"),
        description=gettext(
            "The share of endorsements made in the period by people from "
            "government, non-government and Aboriginal community-controlled organisations, by "
            "the endorser's region."
        ),
        columns=(gettext("Region"), *sector_columns(), gettext("Endorsements")),
        rows=_shares(found, "user__region__name", "user__organisation__sector"),
        chart="stacked-bars",
        series=(1, 2, 3, 4),
        unit="%",
    )
