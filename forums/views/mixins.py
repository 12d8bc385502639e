from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from rules.contrib.views import PermissionRequiredMixin

from ..models import Forum, Meeting


class ForumPermissionMixin(PermissionRequiredMixin):
    """Loads the forum named by the URL's slug and checks permission_required against it.

    Signed-in people without the permission get 403; anonymous people go to sign in.
    """

    @cached_property
    def forum(self) -> Forum:
        return get_object_or_404(Forum, slug=self.kwargs["slug"])

    def get_permission_object(self):
        return self.forum

    def get_context_data(self, **kwargs):
        return super().get_context_data(forum=self.forum, **kwargs)


class MeetingPermissionMixin(PermissionRequiredMixin):
    """Loads the meeting named by the URL's meeting pk and checks permission against it."""

    meeting_url_kwarg = "pk"

    @cached_property
    def meeting(self) -> Meeting:
        return get_object_or_404(
            Meeting.objects.select_related("forum", "series"),
            pk=self.kwargs[self.meeting_url_kwarg],
        )

    def get_permission_object(self):
        return self.meeting

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, forum=self.meeting.forum, **kwargs)
