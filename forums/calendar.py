"""RFC 5545 calendars of meetings, for downloads and subscription feeds."""

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event

from members.text import one_line

from .choices import MeetingStatus
from .models import Meeting

PRODID = "-//CoP Portal//Forums//EN"
ICS_STATUS = {
    MeetingStatus.DRAFT: "TENTATIVE",
    MeetingStatus.PUBLISHED: "CONFIRMED",
    MeetingStatus.COMPLETED: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def event_uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@cop-portal"


def meeting_event(meeting: Meeting) -> Event:
    tz = timezone.get_current_timezone()
    event = Event()
    event.add("uid", event_uid(meeting))
    event.add("dtstamp", meeting.updated_at or timezone.now())
    event.add("sequence", meeting.sequence)
    event.add("status", ICS_STATUS[meeting.status])
    event.add("summary", one_line(f"{meeting.title} ({meeting.forum.name})"))
    event.add("dtstart", timezone.localtime(meeting.start, tz))
    event.add("dtend", timezone.localtime(meeting.end, tz))
    location = one_line(", ".join(part for part in (meeting.place, meeting.online_link) if part))
    if location:
        event.add("location", location)
    url = f"{settings.PORTAL_BASE_URL}{meeting.get_absolute_url()}"
    event.add("url", url)
    lines = [one_line(f"{meeting.forum.name}: {meeting.title}")]
    if meeting.online_link:
        lines.append(one_line(gettext("Join online: %(link)s") % {"link": meeting.online_link}))
    lines.append(gettext("Details and agenda: %(url)s") % {"url": url})
    event.add("description", "\n".join(lines))
    return event


def meetings_calendar(meetings: Iterable[Meeting], *, name: str, description: str = "") -> bytes:
    """A VCALENDAR with one VEVENT per meeting and the time zones its times use."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", one_line(name))
    if description:
        calendar.add("x-wr-caldesc", one_line(description))
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting))
    calendar.add_missing_timezones()
    return calendar.to_ical()
