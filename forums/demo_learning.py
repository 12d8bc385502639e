"""Demo learning sessions: one held with attendance recorded, one full with a waiting list,
and one with places left; through the services, on the demo's clock.

Running it again changes nothing: a session is found by its title first."""

import datetime as dt

from django.utils import timezone

from members.demo import at
from members.models import User
from practice.choices import GuidanceStatus
from practice.models import GuidanceItem

from .choices import FACILITATING_ROLES, MeetingKind
from .models import Forum, Meeting, Membership
from .services.learning import register_for_session, schedule_learning_session
from .services.meetings import complete_meeting
from .services.rsvp import record_attendance

# title, host forum slug, days from today, start hour, hours, places, place, description,
# registered (in the order they registered), attended (for a held session)
SESSIONS = [
    (
        "Trauma-informed practice with families",
        "statewide",
        -45,
        13,
        3,
        20,
        "State Library, Lecture Theatre 1",
        "How trauma shapes what families show services, and practice that does not add to it: "
        "safety, choice and collaboration in every contact.",
        [
            "practitioner@example.org",
            "nadia.north@example.org",
            "facilitator@example.org",
            "sam.south@example.org",
            "eve.east@example.org",
        ],
        [
            "practitioner@example.org",
            "nadia.north@example.org",
            "sam.south@example.org",
            "eve.east@example.org",
        ],
    ),
    (
        "Safe and Together: keeping the focus on the person using violence",
        "statewide",
        12,
        10,
        2,
        3,
        "",
        "Partnering with the non-offending parent and holding the person using violence "
        "accountable, with case examples from three regions.",
        [
            "nadia.north@example.org",
            "sofia.south@example.org",
            "wes.west@example.org",
            "farah.farnorth@example.org",
            "eve.east@example.org",
        ],
        [],
    ),
    (
        "Cultural safety in everyday practice",
        "northern-cfsn",
        26,
        10,
        2,
        25,
        "Northern Community Hub, Room 3",
        "Led with Kinship Circle Aboriginal Corporation: what cultural safety asks of each "
        "service, and how to act on it in referrals and case planning.",
        ["practitioner@example.org", "sam.south@example.org"],
        [],
    ),
]
ONLINE_LINK = "https://meet.example.org/learning"
# Sessions are scheduled this long before they start, and people register over the weeks after.
SCHEDULED_BEFORE = dt.timedelta(days=40)


def seed() -> None:
    users = {user.email: user for user in User.objects.filter(email__endswith="@example.org")}
    materials = list(
        GuidanceItem.objects.filter(
            status__in=[GuidanceStatus.CURRENT, GuidanceStatus.UNDER_REVIEW]
        ).order_by("title", "id")[:3]
    )
    today = timezone.localdate()
    for index, spec in enumerate(SESSIONS):
        title, slug, days, hour, hours, places, place, description, registered, attended = spec
        if Meeting.objects.filter(kind=MeetingKind.LEARNING, title=title).exists():
            continue
        forum = Forum.objects.filter(slug=slug).first()
        host = _runner(forum)
        if forum is None or host is None:
            continue
        day = today + dt.timedelta(days=days)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
        end = start + dt.timedelta(hours=hours)
        scheduled_at = min(start - SCHEDULED_BEFORE, timezone.now() - dt.timedelta(days=2))
        with at(scheduled_at):
            session = schedule_learning_session(
                forum,
                by=host,
                title=title,
                start=start,
                end=end,
                capacity=places,
                place=place,
                online_link=ONLINE_LINK,
                description=description,
                materials=materials[index : index + 2],
                publish=True,
            )
        for turn, email in enumerate(registered):
            if email not in users:
                continue
            with at(scheduled_at + dt.timedelta(days=1, hours=3 * turn)):
                register_for_session(session, user=users[email])
        if end < timezone.now():
            with at(start + dt.timedelta(minutes=50)):
                record_attendance(
                    session, by=host, attendees=[users[e] for e in attended if e in users]
                )
            with at(end + dt.timedelta(minutes=30)):
                complete_meeting(session, by=host)


def _runner(forum: Forum | None) -> User | None:
    """The forum's first chair or facilitator, who hosts its sessions."""
    if forum is None:
        return None
    membership = (
        Membership.objects.filter(forum=forum, role__in=FACILITATING_ROLES)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None
