"""Loop health for the whole loop and for one forum, and each metric's table as CSV."""

import hashlib

from defusedcsv import csv
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.generic import TemplateView, View
from rules.contrib.views import PermissionRequiredMixin

from forums.views.mixins import ForumPermissionMixin
from operations.security import security_event

from .charts import display_value, render_chart
from .forms import InsightFilterForm
from .registers import exports_context
from .selectors import METRICS, figures, forums_for_insights, metric


class FilteredMixin:
    """The filter form from the query string, and the filters it gives."""

    fixed_forum = None

    def filter_form(self) -> InsightFilterForm:
        if not hasattr(self, "_filter_form"):
            self._filter_form = InsightFilterForm(self.request.GET or None, forum=self.fixed_forum)
        return self._filter_form

    def csv_url(self, slug: str) -> str:
        if self.fixed_forum is not None:
            url = reverse(
                "insights:forum-metric-csv", kwargs={"slug": self.fixed_forum.slug, "metric": slug}
            )
        else:
            url = reverse("insights:metric-csv", kwargs={"metric": slug})
        query = self.request.GET.urlencode()
        return f"{url}?{query}" if query else url


def cells(m) -> list[list[tuple[str, str | None]]]:
    """The table's cells: each value as written, and where it links to (or None)."""
    return [
        [(display_value(value), m.links[r][c] if m.links else None) for c, value in enumerate(row)]
        for r, row in enumerate(m.rows)
    ]


class LoopHealthPage(FilteredMixin, TemplateView):
    template_name = "insights/loop_health.html"

    def get_context_data(self, **kwargs):
        form = self.filter_form()
        filters = form.filters()
        found = figures(self.request.user, filters)

        def shown():
            # Called by the template only when its cached rendering of the figures is missing.
            return [
                {
                    "metric": m,
                    "chart": render_chart(m),
                    "csv_url": self.csv_url(m.slug),
                    "cells": cells(m),
                }
                for m in found.metrics
            ]

        kwargs.setdefault("forum", self.fixed_forum)
        kwargs.update(self.exports(filters, found.key))
        return super().get_context_data(
            filter_form=form,
            filters=filters,
            as_of=found.as_of,
            metrics=found.metrics,
            shown=shown,
            figures_key=found.key,
            cache_seconds=settings.INSIGHTS_CACHE_SECONDS if found.key else 0,
            forums=forums_for_insights(self.request.user),
            **kwargs,
        )

    def exports(self, filters, figures_key: str) -> dict:
        """The registers' row counts and links, and whether the report may be attached: kept
        with the figures, per reader (the counts depend on who may see which issues)."""
        if not figures_key:
            return exports_context(self.request, filters, forum=self.fixed_forum)
        query = hashlib.sha256(self.request.GET.urlencode().encode()).hexdigest()
        key = f"{figures_key}:exports:{self.request.user.pk}:{query}"
        found = cache.get(key)
        if found is None:
            found = exports_context(self.request, filters, forum=self.fixed_forum)
            cache.set(key, found, timeout=settings.INSIGHTS_CACHE_SECONDS)
        return found


class LoopHealthView(PermissionRequiredMixin, LoopHealthPage):
    permission_required = "insights.view_insights"

    def handle_no_permission(self):
        # Someone who runs forums but may not see the whole loop opens their own forum's view.
        user = self.request.user
        if user.is_authenticated:
            own = forums_for_insights(user).first()
            if own is not None:
                return redirect("insights:forum-insights", slug=own.slug)
        return super().handle_no_permission()


class ForumInsightsView(ForumPermissionMixin, LoopHealthPage):
    permission_required = "insights.view_forum_insights"

    @property
    def fixed_forum(self):
        return self.forum


def _csv_response(request, *, slug: str, form: InsightFilterForm) -> StreamingHttpResponse:
    if slug not in METRICS:
        raise Http404(gettext("No such figure."))
    filters = form.filters()
    found = metric(request.user, filters, slug)

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    lines = (
        writer.writerow(["" if value is None else value for value in row])
        for row in (found.columns, *found.rows)
    )
    filename = f"{slug}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.csv"
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    security_event("export_downloaded", request=request, export=filename)
    return response


class MetricCsvView(PermissionRequiredMixin, FilteredMixin, View):
    permission_required = "insights.view_insights"

    def get(self, request, metric: str):
        return _csv_response(request, slug=metric, form=self.filter_form())


class ForumMetricCsvView(ForumPermissionMixin, FilteredMixin, View):
    permission_required = "insights.view_forum_insights"

    @property
    def fixed_forum(self):
        return self.forum

    def get(self, request, slug: str, metric: str):
        return _csv_response(request, slug=metric, form=self.filter_form())
