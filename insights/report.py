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


def filter_summary(filters: InsightFilters) -> list[tuple[str, str]]:
    """The filters the figures were read with, in words, for the report's first page."""
    return [
        (gettext("Period"), filters.period_label),
        (
            gettext("Forum passed through"),
            filters.forum.name if filters.forum else gettext("Any forum"),
        ),
        (
            gettext("Tier passed through"),
            str(Tier(filters.tier).label) if filters.tier else gettext("Any tier"),
        ),
        (gettext("Region"), filters.region.name if filters.region else gettext("Any region")),
        (
            gettext("Practice area"),
            filters.practice_area.name if filters.practice_area else gettext("Any practice area"),
        ),
        (
            gettext("Sector"),
            str(Sector(filters.sector).label) if filters.sector else gettext("Any sector"),
        ),
    ]


def report_html(user, filters: InsightFilters) -> str:
    """The report as the HTML WeasyPrint lays out: a first page naming the period and the
    filters, then each metric's title, description, chart and table."""
    sections = [
        {
            "metric": metric,
            "chart": render_chart(metric),
            "rows": [[display_value(value) for value in row] for row in metric.rows],
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
