from django.template.loader import render_to_string
from django.utils import timezone
from django.views.generic import TemplateView

from cop_portal.kept import FORUM, asked_pages, kept, pages_of
from cop_portal.views import KeptPlansMixin

from ..forms.agenda import RsvpForm
from ..papers import prepared_in_background
from ..rules import standing_in
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

# The parts of the page drawn from the forum's records, each from its own template.
PARTS = {
    "agenda": "forums/_meeting_agenda.html",
    "rsvp_summary": "forums/_rsvp_summary.html",
    "attended": "forums/_meeting_attended.html",
    "resources": "forums/_resource_list.html",
    "minutes": "forums/_meeting_minutes.html",
}


class MeetingDetailView(KeptPlansMixin, MeetingPermissionMixin, TemplateView):
    """The meeting page: details, agenda, RSVPs, resources and, when they may be seen, minutes;
    a long agenda and its minutes a page of items at a time. What is drawn from the forum's
    records is the same for everyone with the same standing in the forum (cop_portal.kept)."""

    permission_required = "forums.view_meeting"
    template_name = "forums/meeting_detail.html"

    def drawn_parts(self) -> dict:
        """The agenda, who is coming and who came, resources and minutes, drawn; and when
        the meeting starts or ends, after which they read otherwise (outcomes to record)."""
        meeting, user = self.meeting_read_again(), self.request.user
        page = agenda_page(meeting, self.drawn_request.GET.get("page"))
        timed = page.timed
        total = page.minutes_total
        minutes, revisions = None, []
        can_view_minutes = user.has_perm("forums.view_minutes", meeting)
        if can_view_minutes:
            revisions = minutes_revisions(meeting)
            # The minutes of the items on this page of the agenda.
            minutes = minutes_to_read(
                meeting,
                keeps_minutes=user.has_perm("forums.record_minutes", meeting),
                revisions=revisions,
                items=[entry.item for entry in timed],
                page=page.page_obj if page.is_paginated else None,
            )
        can_attend = user.has_perm("forums.record_attendance", meeting)
        can_build = user.has_perm("forums.build_agenda", meeting)
        drawn = {
            "meeting": meeting,
            "can_build": can_build,
            "can_attend": can_attend,
            # Counts for everyone, names for those who run the forum.
            "show_names": can_build,
            "timed_agenda": timed,
            "page_obj": page.page_obj,
            "is_paginated": page.is_paginated,
            "item_count": page.item_count,
            "to_decide": [entry for entry in timed if entry.awaits_outcome],
            "minutes_total": total,
            "minutes_over": max(total - meeting.duration_minutes, 0),
            "rsvp_groups": [] if meeting.is_learning_session else rsvp_groups(meeting),
            "resources": meeting_resources(meeting),
            "attendees": (
                meeting_attendees(meeting) if can_attend and meeting.attendance_recorded_at else []
            ),
            "actions": actions_for_meeting(meeting) if can_view_minutes else [],
            "minutes": minutes,
            "minutes_revisions": revisions,
        }
        if minutes is not None and page.is_paginated:
            drawn.update(minutes_range(page, minutes))
        parts = {
            name: render_to_string(template, drawn, request=self.drawn_request)
            for name, template in PARTS.items()
        }
        now = timezone.now()
        moments = [moment for moment in (meeting.start, meeting.end) if moment > now]
        return {
            **parts,
            "item_count": page.item_count,
            # Each person's own answer, for their form.
            "answers": {
                person.pk: group.response
                for group in drawn["rsvp_groups"]
                for person in group.people
            },
            "until": min(moments, default=None),
        }

    def get_context_data(self, **kwargs):
        meeting, user = self.meeting, self.request.user
        self.drawn_request = asked_pages(self.request, "page")
        parts = kept(
            "meeting-page",
            (FORUM, meeting.forum_id),
            (meeting.pk, pages_of(self.drawn_request), standing_in(user, meeting.forum_id)),
            self.drawn_parts,
            good_until=lambda drawn: drawn["until"],
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
        elif user.has_perm("forums.rsvp_meeting", meeting) and not meeting.is_past:
            my_rsvp = parts["answers"].get(user.pk)
            kwargs.update(my_rsvp=my_rsvp, rsvp_form=RsvpForm(initial={"response": my_rsvp}))
        return super().get_context_data(
            parts=parts,
            item_count=parts["item_count"],
            papers_in_background=prepared_in_background(parts["item_count"]),
            **kwargs,
        )


def minutes_range(page, minutes) -> dict[str, int]:
    """Which items' minutes a page of a long agenda shows: its own, and on the last page
    any published entries numbered past today's agenda."""
    page_obj = page.page_obj
    count = max(page.item_count, minutes.numbered_to)
    last = page_obj.end_index() if page_obj.has_next() else count
    return {"minutes_first": page_obj.start_index(), "minutes_last": last, "minutes_count": count}
