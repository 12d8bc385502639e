"""What every issue page shares: the permission object, and a refusal shown on the form."""

import hashlib

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from rules.contrib.views import PermissionRequiredMixin

from ..models import PracticeIssue

# Pages' filter forms are drawn from their choices (every forum, region and practice area)
# through a template per option: the drawing is kept this long for the same filters, so a
# new forum or practice area reaches the filters within five minutes.
FILTERS_CACHE_SECONDS = 300


def filters_key(request, *paging: str) -> str:
    """Names a filter form's drawing: the filters asked for, without the paging ones."""
    query = request.GET.copy()
    for name in paging:
        query.pop(name, None)
    return hashlib.sha256(query.urlencode().encode()).hexdigest()


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
