"""A member's forums, replies to invitations, session registrations, attendance and actions,
for their data download."""

from members.models import User
from members.personal_data import register_section, stamp

from .models import ActionItem, Attendance, Membership, Registration, Rsvp


def memberships(user: User) -> list[dict]:
    return [
        {"forum": m.forum.name, "role": m.get_role_display(), "joined": stamp(m.joined_at)}
        for m in Membership.objects.filter(user=user).select_related("forum").order_by("joined_at")
    ]


def replies(user: User) -> list[dict]:
    return [
        {
            "meeting": rsvp.meeting.title,
            "forum": rsvp.meeting.forum.name,
            "starts": stamp(rsvp.meeting.start),
            "reply": rsvp.get_response_display(),
        }
        for rsvp in Rsvp.objects.filter(user=user)
        .select_related("meeting__forum")
        .order_by("meeting__start")
    ]


def attendance(user: User) -> list[dict]:
    return [
        {
            "meeting": record.meeting.title,
            "forum": record.meeting.forum.name,
            "starts": stamp(record.meeting.start),
        }
        for record in Attendance.objects.filter(user=user)
        .select_related("meeting__forum")
        .order_by("meeting__start")
    ]


def registrations(user: User) -> list[dict]:
    return [
        {
            "session": registration.meeting.title,
            "forum": registration.meeting.forum.name,
            "starts": stamp(registration.meeting.start),
            "status": registration.get_status_display(),
            "since": stamp(registration.status_at),
        }
        for registration in Registration.objects.filter(user=user)
        .select_related("meeting__forum")
        .order_by("meeting__start", "pk")
    ]


def actions(user: User) -> list[dict]:
    return [
        {
            "action": action.title,
            "forum": action.forum.name,
            "due": action.due_date.isoformat(),
            "status": action.get_status_display(),
            "completed": stamp(action.completed_at),
        }
        for action in ActionItem.objects.filter(owner=user)
        .select_related("forum")
        .order_by("due_date", "pk")
    ]


def register() -> None:
    register_section("forum_memberships", memberships)
    register_section("meeting_replies", replies)
    register_section("meetings_attended", attendance)
    register_section("session_registrations", registrations)
    register_section("actions_owned", actions)
