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

    def forum_read_again(self) -> Forum:
        """The forum as it is now: a part kept for others (cop_portal.kept) is drawn from
        rows read after its stamps, never from those read as the request began, which a
        change committed in between would leave kept under the new stamp."""
        return get_object_or_404(Forum, pk=self.forum.pk)

    def get_permission_object(self):
        return self.forum

    def get_context_data(self, **kwargs):
        return super().get_context_data(forum=self.forum, **kwargs)


class MeetingPermissionMixin(PermissionRequiredMixin):
    """Loads the meeting named by the URL's meeting pk and checks permission against it."""

    meeting_url_kwarg = "pk"

    @cached_property
    def meeting(self) -> Meeting:
        return self._meeting(self.kwargs[self.meeting_url_kwarg])

    def meeting_read_again(self) -> Meeting:
        """The meeting as it is now, for a kept part (ForumPermissionMixin.forum_read_again
        says why)."""
        return self._meeting(self.meeting.pk)

    @staticmethod
    def _meeting(pk) -> Meeting:
        return get_object_or_404(Meeting.objects.select_related("forum", "series"), pk=pk)

    def get_permission_object(self):
        return self.meeting

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, forum=self.meeting.forum, **kwargs)
