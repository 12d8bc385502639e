"""What every issue page shares: the permission object, and a refusal shown on the form."""

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from rules.contrib.views import PermissionRequiredMixin

from ..models import PracticeIssue


def refused(form, exc: Exception) -> None:
    """Show a refused service call next to the form, keeping everything typed."""
    form.add_error(None, str(exc))


class IssuePermissionMixin(PermissionRequiredMixin):
    """Loads the issue named by the URL and checks permission_required against it."""

    @cached_property
    def issue(self) -> PracticeIssue:
        return get_object_or_404(
            PracticeIssue.objects.select_related("current_forum", "origin_forum", "raised_by"),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.issue

    def get_context_data(self, **kwargs):
        return super().get_context_data(issue=self.issue, **kwargs)

    def get_success_url(self) -> str:
        return self.issue.get_absolute_url()


# --- Browse and raise ---------------------------------------------------------------
