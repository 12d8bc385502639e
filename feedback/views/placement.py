"""Moving an issue's agenda item to a later meeting of its forum, from the agenda builder."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views.generic import FormView
from rules.contrib.views import PermissionRequiredMixin

from cop_portal.views import ButtonTargetMixin
from forums.forms.agenda import LaterMeetingForm
from forums.models import AgendaItem, Meeting
from forums.selectors.agenda import agenda_page_of

from ..exceptions import TransitionNotAllowed
from ..services.placement import move_to_later_meeting


class MoveToLaterMeetingView(ButtonTargetMixin, PermissionRequiredMixin, FormView):
    """One step: the issue's item leaves this agenda for the chosen later meeting."""

    permission_required = "forums.build_agenda"
    form_class = LaterMeetingForm

    @cached_property
    def item(self) -> AgendaItem:
        return get_object_or_404(
            AgendaItem.objects.select_related("meeting__forum"), pk=self.kwargs["item_pk"]
        )

    def get_permission_object(self):
        return self.item.meeting

    def get_form_kwargs(self):
        # Any meeting may be named; the service says why one that is not later, not open
        # or of another forum is refused.
        return {**super().get_form_kwargs(), "meetings": Meeting.objects.all()}

    def agenda_url(self, page: int = 1) -> str:
        """The agenda builder at the page that showed the item, scrolled to it while it is
        still there."""
        url = reverse("forums:agenda-edit", kwargs={"pk": self.item.meeting_id})
        return f"{url}?page={page}" if page > 1 else url

    def button_page_url(self) -> str:
        return f"{self.agenda_url(agenda_page_of(self.item))}#item-{self.item.pk}"

    def form_valid(self, form):
        meeting = form.cleaned_data["meeting"]
        page = agenda_page_of(self.item)
        try:
            move_to_later_meeting(self.item, meeting=meeting, by=self.request.user)
        except TransitionNotAllowed as exc:
            messages.error(self.request, str(exc))
            return redirect(f"{self.agenda_url(page)}#item-{self.item.pk}")
        messages.success(
            self.request,
            gettext("Moved '%(title)s' to %(meeting)s.")
            % {"title": self.item.title, "meeting": meeting},
        )
        return redirect(self.agenda_url(page))

    def form_invalid(self, form):
        messages.error(self.request, gettext("Choose a later open meeting of this forum."))
        page = agenda_page_of(self.item)
        return redirect(f"{self.agenda_url(page)}#item-{self.item.pk}")
