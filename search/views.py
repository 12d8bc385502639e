from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .forms import SearchForm
from .selectors import KIND_LABELS, KINDS, PAGE_SIZE, TOP_PER_KIND, PortalSearch


class SearchView(LoginRequiredMixin, TemplateView):
    """Results for one query: every kind's count, then the best few of each ("All"), or
    one kind a page at a time."""

    template_name = "search/results.html"

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET or None)
        text, kind, page = "", "", 1
        if form.is_bound and not form.is_valid():
            if "page" in form.errors:
                raise Http404(_("There is no such page of results."))
        elif form.is_bound:
            text = form.cleaned_data["q"]
            kind = form.cleaned_data["kind"]
            page = form.cleaned_data["page"] or 1
        search = PortalSearch(self.request.user, text)
        counts = search.counts()
        by_kind = {count.kind: count for count in counts}
        sections, results, pages = [], [], 1
        if kind:
            pages = by_kind[kind].pages
            if page > pages:
                raise Http404(_("There is no such page of results."))
            results = search.results(kind, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        else:
            sections = [
                (by_kind[each], search.results(each, limit=TOP_PER_KIND))
                for each in KINDS
                if by_kind[each].count
            ]
        return super().get_context_data(
            form=form,
            query=search.text,
            kind=kind,
            kind_label=KIND_LABELS.get(kind, ""),
            counts=counts,
            total=sum(count.shown for count in counts),
            any_capped=any(count.is_capped for count in counts),
            sections=sections,
            results=results,
            page=page,
            pages=pages,
            **kwargs,
        )
