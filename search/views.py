from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .forms import SearchForm
from .selectors import BEST_IN_ALL, KIND_LABELS, PAGE_SIZE, PortalSearch


class SearchView(LoginRequiredMixin, TemplateView):
    """Results for one query: every kind's count, then ("All") the best few of the first
    kind found, usually practice issues, and a link to each other kind found; or one kind a
    page at a time."""

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
        lead, lead_results, also_found, results, pages = None, [], [], [], 1
        if kind:
            pages = by_kind[kind].pages
            if page > pages:
                raise Http404(_("There is no such page of results."))
            results = search.results(kind, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        elif found := [count for count in counts if count.count]:
            # The best of every kind would cost each kind's ranked query again, for a few
            # rows: the first kind found is shown, and each other is a link away.
            lead, *also_found = found
            lead_results = search.results(lead.kind, limit=BEST_IN_ALL)
        return super().get_context_data(
            form=form,
            query=search.text,
            kind=kind,
            kind_label=KIND_LABELS.get(kind, ""),
            counts=counts,
            total=sum(count.shown for count in counts),
            any_capped=any(count.is_capped for count in counts),
            issues_search_url=f"{reverse('feedback:issue-list')}?{urlencode({'q': search.text})}",
            lead=lead,
            lead_results=lead_results,
            also_found=also_found,
            results=results,
            page=page,
            pages=pages,
            **kwargs,
        )
