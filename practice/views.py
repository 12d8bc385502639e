from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views.generic import FormView, TemplateView, View
from rules.contrib.views import PermissionRequiredMixin

from cop_portal.filters import FILTERS_CACHE_SECONDS, choices_stamp, filters_key
from cop_portal.views import KeptPlansMixin, PagedListView, moved_on_meanwhile
from members.files import download_response
from members.models import PracticeArea

from . import services
from .exceptions import GuidanceRefused
from .forms import (
    GuidanceFilterForm,
    GuidanceForm,
    ReviewedForm,
    StartReviewForm,
    SupersedeForm,
    show_refusal,
)
from .models import GuidanceItem
from .rules import is_guidance_owner, is_library_editor
from .selectors import (
    REVIEW_NOTICE_DAYS,
    due_for_review,
    guidance_item,
    latest_version,
    library_items,
    sessions_using,
)


class GuidancePermissionMixin(PermissionRequiredMixin):
    """Loads the library item named by the URL and checks permission_required against it."""

    @cached_property
    def item(self) -> GuidanceItem:
        return get_object_or_404(
            GuidanceItem.objects.select_related("owner", "superseded_by"), pk=self.kwargs["pk"]
        )

    def get_permission_object(self):
        return self.item

    def handle_no_permission(self):
        # Superseded by an editor since its owner opened a form: the owner is told so, and
        # keeps what they typed, to carry over into the new version.
        user = self.request.user
        if (
            self.item.is_superseded
            and user.is_authenticated
            and (is_guidance_owner | is_library_editor).test(user, self.item)
        ):
            return moved_on_meanwhile(
                self,
                gettext(
                    "This item has been superseded meanwhile: it stays as the record of what "
                    "it was, and changes go into its new version."
                ),
                back_to=self.item,
            )
        return super().handle_no_permission()

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.item, **kwargs)

    def perform(self, form, call) -> bool:
        """Run one service call; a refusal becomes a form error, keeping what was typed."""
        try:
            self.result = call()
        except GuidanceRefused as refused:
            show_refusal(form, refused)
            return False
        return True


class GuidanceListView(KeptPlansMixin, LoginRequiredMixin, PagedListView):
    template_name = "practice/guidanceitem_list.html"
    context_object_name = "items"
    paginate_by = 25

    @cached_property
    def filters(self) -> GuidanceFilterForm:
        return GuidanceFilterForm(self.request.GET or None)

    def planned_for_values(self) -> bool:
        # A word is searched for.
        return bool(self.request.GET.get("q", "").strip())

    def get_queryset(self):
        data = self.filters.cleaned_data if self.filters.is_valid() else {}
        return library_items(
            kind=data.get("kind") or "",
            practice_area=data.get("practice_area"),
            status=data.get("status") or "",
            text=data.get("q") or "",
        )

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filters=self.filters,
            filters_key=filters_key(self.filters, choices_stamp(PracticeArea)),
            filters_cache_seconds=FILTERS_CACHE_SECONDS,
            query_string=query.urlencode(),
            **kwargs,
        )


class GuidanceDetailView(GuidancePermissionMixin, TemplateView):
    permission_required = "practice.view_guidanceitem"
    template_name = "practice/guidanceitem_detail.html"

    def get_context_data(self, **kwargs):
        item = guidance_item(self.item.pk)
        newest = latest_version(item) if item.is_superseded else None
        return super().get_context_data(
            **kwargs,
            guidance=item,
            newest=newest if newest is not None and newest != item.superseded_by else None,
            sessions=sessions_using(item),
        )


class GuidanceCreateView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    permission_required = "practice.add_guidanceitem"
    template_name = "practice/guidanceitem_form.html"
    form_class = GuidanceForm

    def get_initial(self):
        return {"owner": self.request.user.pk}

    def form_valid(self, form):
        try:
            item = services.add_guidance(by=self.request.user, **form.details())
        except GuidanceRefused as refused:
            show_refusal(form, refused)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Added “%(item)s” to the library.") % {"item": item})
        return redirect(item)


class GuidanceUpdateView(GuidancePermissionMixin, FormView):
    permission_required = "practice.change_guidanceitem"
    template_name = "practice/guidanceitem_form.html"
    form_class = GuidanceForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editing": self.item}

    def get_initial(self):
        return GuidanceForm.initial_from(self.item)

    def form_valid(self, form):
        if not self.perform(
            form,
            lambda: services.change_guidance(self.item, by=self.request.user, **form.details()),
        ):
            return self.form_invalid(form)
        messages.success(self.request, gettext("Saved “%(item)s”.") % {"item": self.result})
        return redirect(self.result)


class NewVersionView(GuidancePermissionMixin, FormView):
    """The next version of an item, pre-filled from it; publishing it supersedes the old one."""

    permission_required = "practice.supersede_guidanceitem"
    template_name = "practice/guidanceitem_new_version.html"
    form_class = GuidanceForm

    def get_initial(self):
        return GuidanceForm.initial_from(self.item, for_new_version=True)

    def form_valid(self, form):
        if not self.perform(
            form,
            lambda: services.publish_new_version(self.item, by=self.request.user, **form.details()),
        ):
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Published “%(new)s”; “%(old)s” now points readers to it.")
            % {"new": self.result, "old": self.item},
        )
        return redirect(self.result)


class SupersedeView(GuidancePermissionMixin, FormView):
    permission_required = "practice.supersede_guidanceitem"
    template_name = "practice/guidanceitem_supersede.html"
    form_class = SupersedeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "item": self.item}

    def form_valid(self, form):
        successor = form.cleaned_data["successor"]
        if not self.perform(
            form,
            lambda: services.supersede_guidance(
                self.item, successor=successor, by=self.request.user
            ),
        ):
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("“%(old)s” is superseded by “%(new)s”.") % {"old": self.item, "new": successor},
        )
        return redirect(self.item)


class StartReviewView(GuidancePermissionMixin, FormView):
    permission_required = "practice.review_guidanceitem"
    template_name = "practice/guidanceitem_start_review.html"
    form_class = StartReviewForm

    def form_valid(self, form):
        if not self.perform(
            form,
            lambda: services.start_review(
                self.item, by=self.request.user, note=form.cleaned_data["note"]
            ),
        ):
            return self.form_invalid(form)
        messages.success(self.request, gettext("“%(item)s” is under review.") % {"item": self.item})
        return redirect(self.item)


class ReviewedView(GuidancePermissionMixin, FormView):
    permission_required = "practice.review_guidanceitem"
    template_name = "practice/guidanceitem_reviewed.html"
    form_class = ReviewedForm

    def form_valid(self, form):
        if not self.perform(
            form,
            lambda: services.mark_reviewed(
                self.item,
                by=self.request.user,
                review_by=form.cleaned_data["review_by"],
                note=form.cleaned_data["note"],
            ),
        ):
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("“%(item)s” is reviewed and current.") % {"item": self.item},
        )
        return redirect(self.item)


class DueForReviewView(LoginRequiredMixin, PagedListView):
    """The signed-in member's own items past their review date or due for it soon."""

    template_name = "practice/guidanceitem_due.html"
    context_object_name = "items"
    paginate_by = 50

    def get_queryset(self):
        return due_for_review(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(notice_days=REVIEW_NOTICE_DAYS, **kwargs)


class GuidanceDownloadView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """A library item's file, for signed-in members, always as a download.

    With MEDIA_ACCEL_REDIRECT_PREFIX set, nginx sends the bytes after this check."""

    permission_required = "practice.view_guidanceitem"

    @cached_property
    def item(self) -> GuidanceItem:
        item = get_object_or_404(GuidanceItem, pk=self.kwargs["pk"])
        if not item.file:
            raise Http404(gettext("This item is a link, not a file."))
        return item

    def get_permission_object(self):
        return self.item

    def get(self, request, *args, **kwargs):
        return download_response(self.item.file)
