from django.views.generic import TemplateView

from cop_portal.views import KeptPlansMixin

from ..forms.agenda import RsvpForm
from ..papers import prepared_in_background
from ..selectors.actions import actions_for_meeting
from ..selectors.agenda import (
    agenda_page,
    meeting_attendees,
    meeting_resources,
    rsvp_groups,
)
from ..selectors.learning import session_materials, session_places, session_registrations
from ..selectors.minutes import minutes_revisions, minutes_to_read
from .mixins import MeetingPermissionMixin


class MeetingDetailView(KeptPlansMixin, MeetingPermissionMixin, TemplateView):
    """The meeting page: details, agenda, RSVPs, resources and, when they may be seen, minutes;
    a long agenda and its minutes a page of items at a time."""

    permission_required = "forums.view_meeting"
    template_name = "forums/meeting_detail.html"

    def get_context_data(self, **kwargs):
        meeting, user = self.meeting, self.request.user
        page = agenda_page(meeting, self.request.GET.get("page"))
        timed = page.timed
        groups = rsvp_groups(meeting)
        my_rsvp = next(
            (group.response for group in groups for person in group.people if person.pk == user.pk),
            None,
        )
        total = page.minutes_total
        minutes, revisions = None, []
        if user.has_perm("forums.view_minutes", meeting):
            revisions = minutes_revisions(meeting)
            # The minutes of the items on this page of the agenda.
            minutes = minutes_to_read(
                meeting,
                keeps_minutes=user.has_perm("forums.record_minutes", meeting),
                revisions=revisions,
                items=[entry.item for entry in timed],
                page=page.page_obj if page.is_paginated else None,
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
        if minutes is not None and page.is_paginated:
            kwargs.update(minutes_range(page, minutes))
        return super().get_context_data(
            timed_agenda=timed,
            page_obj=page.page_obj,
            is_paginated=page.is_paginated,
            item_count=page.item_count,
            papers_in_background=prepared_in_background(page.item_count),
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


def minutes_range(page, minutes) -> dict[str, int]:
    """Which items' minutes a page of a long agenda shows: its own, and on the last page
    any published entries numbered past today's agenda."""
    page_obj = page.page_obj
    count = max(page.item_count, minutes.numbered_to)
    last = page_obj.end_index() if page_obj.has_next() else count
    return {"minutes_first": page_obj.start_index(), "minutes_last": last, "minutes_count": count}
