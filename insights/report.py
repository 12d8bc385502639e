"""The "State of the loop" report: every loop-health figure for a period as a PDF, with the
same SVG charts as the page, fit for the Strategic Leadership Forum's meeting pack."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from weasyprint import Document

from forums.choices import Tier
from forums.pdf import pdf_document
from members.choices import Sector

from .charts import display_value, render_chart
from .selectors import InsightFilters, loop_health


def report_filename(filters: InsightFilters, extension: str = "pdf") -> str:
    return f"state-of-the-loop-{filters.start:%Y-%m-%d}-{filters.end:%Y-%m-%d}.{extension}"


def report_title(filters: InsightFilters) -> str:
    return gettext("State of the loop, %(period)s") % {"period": filters.period_label}


def _filter_values(filters: InsightFilters) -> list[tuple[str, str, str]]:
    """Each filter besides the period: its label, its value in words ("" when not chosen),
    and what not choosing it means."""
    return [
        (
            gettext("Forum passed through"),
            filters.forum.name if filters.forum else "",
            gettext("Any forum"),
        ),
        (
            gettext("Tier passed through"),
            str(Tier(filters.tier).label) if filters.tier else "",
            gettext("Any tier"),
        ),
        (
            gettext("Region"),
            filters.region.name if filters.region else "",
            gettext("Any region"),
        ),
        (
            gettext("Practice area"),
            filters.practice_area.name if filters.practice_area else "",
            gettext("Any practice area"),
        ),
        (
            gettext("Sector"),
            str(Sector(filters.sector).label) if filters.sector else "",
            gettext("Any sector"),
        ),
    ]


def filter_summary(filters: InsightFilters) -> list[tuple[str, str]]:
    """The filters the figures were read with, in words, for the report's first page."""
    return [
        (gettext("Period"), filters.period_label),
        *((label, value or anything) for label, value, anything in _filter_values(filters)),
    ]


def filters_in_words(filters: InsightFilters, *, forum_fixed: bool = False) -> str:
    """The filters chosen besides the period (and a forum's own view's forum), in words:
    "Region: Northern; Sector: Government", or "" for none."""
    chosen = _filter_values(filters)[1:] if forum_fixed else _filter_values(filters)
    return "; ".join(f"{label}: {value}" for label, value, _anything in chosen if value)


def report_html(user, filters: InsightFilters) -> str:
    """The report as the HTML WeasyPrint lays out: a first page naming the period and the
    filters, then each metric's title, description, chart and table."""
    sections = [
        {
            "metric": metric,
            "chart": render_chart(metric),
            "rows": [
                [display_value(value) for value in row]
                for row in metric.printed_rows or metric.rows
            ],
        }
        for metric in loop_health(user, filters)
    ]
    return render_to_string(
        "insights/report.html",
        {
            "title": report_title(filters),
            "filters": filters,
            "summary": filter_summary(filters),
            "sections": sections,
            "prepared_at": timezone.localtime(),
            "prepared_for": user,
        },
    )


def report_document(user, filters: InsightFilters) -> Document:
    """The report laid out in pages."""
    return pdf_document(report_html(user, filters))


def render_report(user, filters: InsightFilters) -> bytes:
    """The report as PDF bytes, built in memory."""
    return report_document(user, filters).write_pdf()
