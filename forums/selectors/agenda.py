"""Reads for the meeting page, the agenda builder and the agenda pack."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from ..choices import RsvpResponse
from ..models import AgendaItem, Attendance, Decision, Meeting, Membership, Resource, Rsvp


@dataclass(frozen=True)
class TimedItem:
    """An agenda item with the time it is due to start, counted from the meeting's start."""

    item: AgendaItem
    number: int
    starts_at: dt.datetime


@dataclass(frozen=True)
class RsvpGroup:
    response: str
    label: str
    people: list


def agenda_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The meeting's items in order, with their decisions."""
    return AgendaItem.objects.filter(meeting=meeting).prefetch_related(
        Prefetch("decisions", queryset=Decision.objects.order_by("id"))
    )


def timed_agenda(meeting: Meeting, items=None) -> list[TimedItem]:
    """Each item with its running start time; the total is compared with the meeting length."""
    items = list(agenda_items(meeting) if items is None else items)
    timed, starts_at = [], meeting.start
    for number, item in enumerate(items, start=1):
        timed.append(TimedItem(item=item, number=number, starts_at=starts_at))
        starts_at += dt.timedelta(minutes=item.minutes_allotted)
    return timed


def minutes_total(timed: list[TimedItem]) -> int:
    return sum(entry.item.minutes_allotted for entry in timed)


def rsvp_groups(meeting: Meeting) -> list[RsvpGroup]:
    """People by answer, in the order going, maybe, not going."""
    rsvps = Rsvp.objects.filter(meeting=meeting).select_related("user").order_by("user__email")
    by_response: dict[str, list] = {value: [] for value in RsvpResponse.values}
    for rsvp in rsvps:
        by_response[rsvp.response].append(rsvp.user)
    return [
        RsvpGroup(response=value, label=label, people=by_response[value])
        for value, label in RsvpResponse.choices
    ]


def meeting_resources(meeting: Meeting) -> QuerySet[Resource]:
    return (
        Resource.objects.filter(meeting=meeting)
        .select_related("forum")
        .prefetch_related("practice_areas")
        .order_by("title", "id")
    )


def meeting_attendees(meeting: Meeting) -> QuerySet[Attendance]:
    return Attendance.objects.filter(meeting=meeting).select_related("user").order_by("user__email")


def forum_memberships(forum) -> QuerySet[Membership]:
    """Everyone in the forum, with their account, by name."""
    return (
        Membership.objects.filter(forum=forum)
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )
