from django.views.generic import TemplateView

from cop_portal.views import KeptPlansMixin

from ..forms.agenda import RsvpForm
from ..papers import prepared_in_background
from ..selectors.actions import actions_for_meeting
from ..selectors.agenda import (
    meeting_attendees,
    meeting_resources,
    minutes_total,
    rsvp_groups,
    timed_agenda,
)
from ..selectors.learning import session_materials, session_places, session_registrations
from ..selectors.minutes import minutes_revisions, minutes_to_read
from .mixins import MeetingPermissionMixin


class MeetingDetailView(KeptPlansMixin, MeetingPermissionMixin, TemplateView):
    """The meeting page: details, agenda, RSVPs, resources and, when they may be seen, minutes."""

    permission_required = "forums.view_meeting"
    template_name = "forums/meeting_detail.html"

    def get_context_data(self, **kwargs):
        meeting, user = self.meeting, self.request.user
        timed = timed_agenda(meeting)
        groups = rsvp_groups(meeting)
        my_rsvp = next(
            (group.response for group in groups for person in group.people if person.pk == user.pk),
            None,
        )
        total = minutes_total(timed)
        minutes, revisions = None, []
        if user.has_perm("forums.view_minutes", meeting):
            revisions = minutes_revisions(meeting)
            minutes = minutes_to_read(
                meeting,
                keeps_minutes=user.has_perm("forums.record_minutes", meeting),
                revisions=revisions,
                items=[entry.item for entry in timed],
            )
        if meeting.is_learning_session:
            kwargs.update(
                session_places=session_places(meeting, user),
                session_materials=session_materials(meeting),
                session_registrations=(
                    list(session_registrations(meeting))
                    if user.has_perm("forums.change_meeting", meeting)
                    else None
                ),
            )
        return super().get_context_data(
            timed_agenda=timed,
            papers_in_background=prepared_in_background(len(timed)),
            to_decide=[entry for entry in timed if entry.awaits_outcome],
            minutes_total=total,
            minutes_over=max(total - meeting.duration_minutes, 0),
            rsvp_groups=groups,
            rsvp_form=RsvpForm(initial={"response": my_rsvp}),
            my_rsvp=my_rsvp,
            resources=meeting_resources(meeting),
            attendees=meeting_attendees(meeting) if meeting.attendance_recorded_at else [],
            actions=actions_for_meeting(meeting),
            minutes=minutes,
            minutes_revisions=revisions,
            **kwargs,
        )
