from django.contrib import messages
from django.shortcuts import redirect
from django.urls import NoReverseMatch
from django.views.generic import FormView

from ..exceptions import ForumActionRefused
from ..forms.resources import ResourceForm
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
    messages.success(view.request, f"Added '{resource.title}'.")
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
