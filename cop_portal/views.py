"""View helpers shared by the apps."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import ListView

from .db import plans_for_these_values, plans_kept_for_every_value


def _dispatched_in(planning, dispatch, request, *args, **kwargs):
    with planning():
        response = dispatch(request, *args, **kwargs)
        # A template response draws itself after the view returns: draw it here, so that the
        # queries its template runs are inside too.
        if callable(getattr(response, "render", None)) and not getattr(
            response, "is_rendered", True
        ):
            response.render()
        return response


class KeptPlansMixin:
    """Every query of the request, its permission checks and the drawing of its page
    included, runs on the plans its connection keeps (`plans_kept_for_every_value`), or,
    when the request's values decide how best to read (`planned_for_values`), is planned
    for them (`plans_for_these_values`).

    For pages whose queries read by keys and indexed orders; first among the bases, so that
    it holds around the others' dispatch."""

    def planned_for_values(self) -> bool:
        """Whether this request's best plans depend on its values: a search, a page read
        past an OFFSET."""
        return False

    def dispatch(self, request, *args, **kwargs):
        planning = (
            plans_for_these_values if self.planned_for_values() else plans_kept_for_every_value
        )
        return _dispatched_in(planning, super().dispatch, request, *args, **kwargs)


class PlannedForValuesMixin:
    """Every query of the request, its page's drawing included, is planned for its values
    (`plans_for_these_values`): for lists whose filters, or whose person's forums, decide
    how best to read them, where a plan kept for any value reads every meeting to come.
    What `KeptPlansMixin` does when `planned_for_values` says yes, for pages that never
    keep plans.

    First among the bases, so that it holds around the others' dispatch."""

    def dispatch(self, request, *args, **kwargs):
        return _dispatched_in(plans_for_these_values, super().dispatch, request, *args, **kwargs)


class ButtonTargetMixin:
    """A view that only a button's form posts to. A GET (the address followed after signing in
    again, when the session ran out before the button was pressed) goes back to the page the
    button is on, where it can be pressed again, instead of a bare "method not allowed". The
    view's own checks run first, so the GET reveals nothing a POST would not; it changes
    nothing.

    Put it first among the view's bases; `button_page_url` says where the button is."""

    http_method_names = ["get", "post", "head", "options"]

    def button_page_url(self) -> str:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return redirect(self.button_page_url())


class PagedListView(ListView):
    """A list a page at a time whose page number, out of range or not a number, shows the
    nearest page (the last, or the first) instead of "no such page": a bookmark or a link
    in an email stays good as the list shrinks."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        asked = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg)
        page = paginator.get_page(asked)
        return paginator, page, page.object_list, page.has_other_pages()


def moved_on_meanwhile(view, said: str, *, back_to, shows_form: bool = True):
    """For someone who could act when they opened a form whose subject has moved on since (a
    colleague acted from another tab, say): on opening the form, `back_to` with `said`; on
    sending it, the form again with what they typed and `said` above it, unless `shows_form`
    is off (a form whose choices follow the subject, which may now show what they may not
    see)."""
    if view.request.method != "POST" or not shows_form:
        messages.info(view.request, said)
        return redirect(back_to)
    form = view.get_form()
    form.is_valid()
    form.add_error(None, said)
    return view.form_invalid(form)
