from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views.generic import FormView, View
from rules.contrib.views import PermissionRequiredMixin

from members.files import download_response

from ..choices import ResourceKind
from ..exceptions import ForumActionRefused
from ..forms.resources import ResourceForm
from ..models import Resource
from ..services.resources import add_resource
from .mixins import ForumPermissionMixin, MeetingPermissionMixin


def _add(view, form, *, forum, meeting=None):
    data = form.cleaned_data
    try:
        resource = add_resource(
            forum,
            by=view.request.user,
            title=data["title"],
            url=data["url"],
            file=data["file"],
            practice_areas=data["practice_areas"],
            meeting=meeting,
        )
    except ForumActionRefused as exc:
        form.add_error(None, str(exc))
        return None
    messages.success(view.request, gettext("Added '%(title)s'.") % {"title": resource.title})
    return resource


class ForumResourceAddView(ForumPermissionMixin, FormView):
    permission_required = "forums.add_resource"
    form_class = ResourceForm
    template_name = "forums/resource_form.html"

    def form_valid(self, form):
        if _add(self, form, forum=self.forum) is None:
            return self.form_invalid(form)
        try:
            return redirect(self.forum.get_absolute_url())
        except NoReverseMatch:  # the forum page is optional for this flow
            return redirect("home")


class MeetingResourceAddView(MeetingPermissionMixin, FormView):
    permission_required = "forums.add_resource"
    form_class = ResourceForm
    template_name = "forums/resource_form.html"

    def form_valid(self, form):
        if _add(self, form, forum=self.meeting.forum, meeting=self.meeting) is None:
            return self.form_invalid(form)
        return redirect(self.meeting.get_absolute_url())


class ResourceDownloadView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """An uploaded file, for those who may open it, always as a download.

    Anonymous people go to sign in; signed-in people without the permission get 403.
    With MEDIA_ACCEL_REDIRECT_PREFIX set, nginx sends the bytes after this check.
    """

    permission_required = "forums.download_resource"

    @cached_property
    def resource(self) -> Resource:
        return get_object_or_404(
            Resource.objects.select_related("forum", "meeting"),
            pk=self.kwargs["pk"],
            kind=ResourceKind.FILE,
        )

    def get_permission_object(self):
        return self.resource

    def get(self, request, *args, **kwargs):
        return download_response(self.resource.file)
