"""What every issue page shares: the permission object, and a refusal shown on the form."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from rules.contrib.views import PermissionRequiredMixin

from ..models import PracticeIssue


def refused(form, exc: Exception) -> None:
    """Show a refused service call next to the form, keeping everything typed."""
    form.add_error(None, str(exc))


def moved_on_meanwhile(view, said: str, *, back_to=None):
    """For someone who could act when they opened a form, whose issue or consultation has
    moved on since (a colleague acted from another tab, say): on opening the form, the
    issue's page (or `back_to`) with `said`; on sending it, the form again with what they
    typed and `said` above it."""
    if view.request.method != "POST":
        messages.info(view.request, said)
        return redirect(back_to or view.issue)
    form = view.get_form()
    form.is_valid()
    form.add_error(None, said)
    return view.form_invalid(form)


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
