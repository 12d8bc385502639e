"""Demo forums, memberships and a year of meetings; a second run finds every row again."""

import datetime as dt

from allauth.account.models import EmailAddress
from dateutil import rrule
from django.utils import timezone

from members.demo import ACCOUNTS_OPENED, at
from members.models import Organisation, PracticeArea, Region, User

from . import demo_learning
from .choices import (
    FACILITATING_ROLES,
    ActionStatus,
    AgendaItemKind,
    MeetingStatus,
    MembershipRole,
    Tier,
)
from .models import ActionItem, AgendaItem, Forum, Meeting, MeetingSeries, Membership, Resource
from .services.meetings import complete_meeting
from .services.minutes import (
    add_action_item,
    publish_minutes,
    record_item_decision,
    update_action_status,
)
from .signals import meeting_completed

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - the documented demo password

STRATEGIC_PURPOSE = (
    "Executive decision-makers from government and non-government services decide on reform, "
    "keep co-design and planning going, and resolve the systemic issues the State-wide "
    "Practitioner Forum brings to them."
)
STATEWIDE_PURPOSE = (
    "Regional managers, leaders and practitioners from every region share practice, cultural "
    "knowledge and expertise, hear from experts and people with lived experience, and spot "
    "patterns across regions."
)
CFSN_PURPOSE = (
    "Local practitioners and government and non-government partners of the {region} Child and "
    "Family Safety Network coordinate locally and reflect on how policy and practice affect "
    "their community."
)

# email, display name, job title, organisation, region
EXTRA_MEMBERS = [
    (
        "nadia.north@example.org",
        "Nadia North",
        "Case manager",
        "Kinship Circle Aboriginal Corporation",
        "Northern",
    ),
    (
        "sofia.south@example.org",
        "Sofia South",
        "Team leader",
        "Families First Community Services",
        "Southern",
    ),
    (
        "ethan.east@example.org",
        "Ethan East",
        "Practice leader",
        "Department for Child Protection",
        "Eastern Hills",
    ),
    (
        "wes.west@example.org",
        "Wes West",
        "Senior practitioner",
        "Aboriginal Family Support Service",
        "Western",
    ),
    (
        "fiona.farnorth@example.org",
        "Fiona Far-North",
        "Regional manager",
        "Kinship Circle Aboriginal Corporation",
        "Far North",
    ),
    (
        "stella.statewide@example.org",
        "Stella Statewide",
        "Principal practice adviser",
        "Department of Human Services",
        "Southern",
    ),
    (
        "grace.gov@example.org",
        "Grace Gov",
        "Deputy Chief Executive",
        "Department for Education",
        "Western",
    ),
    # A second voice in each region, from another sector than its first.
    (
        "sam.south@example.org",
        "Sam South",
        "Aboriginal family practitioner",
        "Aboriginal Family Support Service",
        "Southern",
    ),
    (
        "eve.east@example.org",
        "Eve East",
        "Family support worker",
        "Safe Homes Alliance",
        "Eastern Hills",
    ),
    (
        "wanda.west@example.org",
        "Wanda West",
        "Case worker",
        "Families First Community Services",
        "Western",
    ),
    (
        "farah.farnorth@example.org",
        "Farah Far-North",
        "Child protection practitioner",
        "Department for Child Protection",
        "Far North",
    ),
]

# (email, forum slug, role)
MEMBERSHIPS = [
    ("practitioner@example.org", "northern-cfsn", MembershipRole.MEMBER),
    ("nadia.north@example.org", "northern-cfsn", MembershipRole.MEMBER),
    ("facilitator@example.org", "northern-cfsn", MembershipRole.FACILITATOR),
    ("facilitator@example.org", "statewide", MembershipRole.MEMBER),
    ("sofia.south@example.org", "southern-cfsn", MembershipRole.FACILITATOR),
    ("sofia.south@example.org", "statewide", MembershipRole.MEMBER),
    ("ethan.east@example.org", "eastern-hills-cfsn", MembershipRole.FACILITATOR),
    ("wes.west@example.org", "western-cfsn", MembershipRole.FACILITATOR),
    ("wes.west@example.org", "statewide", MembershipRole.MEMBER),
    ("fiona.farnorth@example.org", "far-north-cfsn", MembershipRole.FACILITATOR),
    ("sam.south@example.org", "southern-cfsn", MembershipRole.MEMBER),
    ("eve.east@example.org", "eastern-hills-cfsn", MembershipRole.MEMBER),
    ("wanda.west@example.org", "western-cfsn", MembershipRole.MEMBER),
    ("farah.farnorth@example.org", "far-north-cfsn", MembershipRole.MEMBER),
    ("stella.statewide@example.org", "statewide", MembershipRole.CHAIR),
    ("stella.statewide@example.org", "strategic", MembershipRole.MEMBER),
    ("executive@example.org", "strategic", MembershipRole.CHAIR),
    ("grace.gov@example.org", "strategic", MembershipRole.EXECUTIVE),
]

# Cadence per tier: months between meetings, (nth, weekday), start hour, meeting length.
CADENCES = {
    Tier.REGIONAL: (1, (2, rrule.TU), 10, 2),
    Tier.STATEWIDE: (2, (3, rrule.WE), 13, 3),
    Tier.STRATEGIC: (3, (1, rrule.TH), 9, 2),
}

AGENDA = [
    ("Acknowledgement of Country and welcome", AgendaItemKind.STANDING, 10),
    ("Practice issues raised since the last meeting", AgendaItemKind.PRACTICE_ISSUE, 45),
]
HELD_DECISION = "Members agreed to share the local referral pathways before the next meeting."

# The meetings reach this far back, so the demo holds a year of loop traffic.
HISTORY_DAYS = 365
# A meeting is marked held, and its minutes published, this long after it ends.
HELD_AFTER = dt.timedelta(minutes=30)


def seed() -> None:
    with at(timezone.now() - ACCOUNTS_OPENED):
        users = _members()
        forums = _forums()
        for email, slug, role in MEMBERSHIPS:
            Membership.objects.get_or_create(
                user=users[email], forum=forums[slug], defaults={"role": role}
            )
    anchor = timezone.localdate().replace(day=1)
    for forum in forums.values():
        _meetings(forum, anchor)
    _resources(forums)
    demo_learning.seed()


def finish() -> None:
    """After every app's demo: the meetings held so far are marked held, with their
    minutes, and the forums get their actions."""
    complete_held(timezone.now())
    users = {user.email: user for user in User.objects.filter(email__endswith="@example.org")}
    for forum in Forum.objects.order_by("pk"):
        held = list(
            forum.meetings.forum_meetings()
            .filter(status=MeetingStatus.COMPLETED)
            .order_by("start", "pk")
        )
        _actions(forum, held, users, runner(forum))


def runner(forum: Forum) -> User | None:
    membership = (
        Membership.objects.filter(forum=forum, role__in=FACILITATING_ROLES)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def complete_held(until: dt.datetime) -> int:
    """Mark held, in the order they ended, the published meetings that ended by `until`,
    as their facilitator would have that afternoon: minutes kept and published, and the
    items not reached carried over (the hand-off runs now, on the demo's clock, instead
    of after the seed's one transaction commits)."""
    ended = Meeting.objects.filter(
        status=MeetingStatus.PUBLISHED, end__lte=until - HELD_AFTER
    ).order_by("end", "pk")
    count = 0
    for meeting in ended.select_related("forum"):
        by = runner(meeting.forum)
        with at(meeting.end + HELD_AFTER):
            complete_meeting(meeting, by=by)
            meeting_completed.send(sender=Meeting, meeting=meeting)
            first = meeting.agenda_items.order_by("position", "pk").first()
            if first is not None and not meeting.decisions.filter(text=HELD_DECISION).exists():
                record_item_decision(first, by=by, text=HELD_DECISION)
            publish_minutes(meeting, by=by)
        count += 1
    return count


def _members() -> dict[str, User]:
    orgs = {org.name: org for org in Organisation.objects.all()}
    regions = {region.name: region for region in Region.objects.all()}
    for email, name, title, org, region in EXTRA_MEMBERS:
        if not User.objects.filter(email=email).exists():
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                display_name=name,
                job_title=title,
                organisation=orgs.get(org),
                region=regions.get(region),
            )
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
    return {user.email: user for user in User.objects.filter(email__endswith="@example.org")}


def _forums() -> dict[str, Forum]:
    forums = {
        "strategic": Forum.objects.get_or_create(
            slug="strategic",
            defaults={
                "name": "Strategic Leadership Forum",
                "tier": Tier.STRATEGIC,
                "purpose": STRATEGIC_PURPOSE,
            },
        )[0],
        "statewide": Forum.objects.get_or_create(
            slug="statewide",
            defaults={
                "name": "State-wide Practitioner Forum",
                "tier": Tier.STATEWIDE,
                "purpose": STATEWIDE_PURPOSE,
            },
        )[0],
    }
    for region in Region.objects.all():
        forums[f"{region.slug}-cfsn"] = Forum.objects.get_or_create(
            slug=f"{region.slug}-cfsn",
            defaults={
                "name": f"{region.name} CFSN",
                "tier": Tier.REGIONAL,
                "region": region,
                "purpose": CFSN_PURPOSE.format(region=region.name),
            },
        )[0]
    return forums


def _meetings(forum: Forum, anchor: dt.date) -> None:
    """The forum's meetings from a year back to half a year ahead, each created (and
    published) a month before it starts. Those already held stay published until the walk
    through the year marks them held (complete_held)."""
    months, (nth, weekday), hour, hours = CADENCES[forum.tier]
    by = runner(forum)
    first = (anchor - dt.timedelta(days=HISTORY_DAYS)).replace(day=1)
    rule = rrule.rrule(
        rrule.MONTHLY,
        interval=months,
        byweekday=weekday(nth),
        dtstart=dt.datetime.combine(first, dt.time(hour)),
        until=dt.datetime.combine(anchor + dt.timedelta(days=190), dt.time.max),
    )
    rule_text = next(line for line in str(rule).splitlines() if line.startswith("RRULE:"))
    starts = [timezone.make_aware(moment) for moment in rule]
    now = timezone.now()
    with at(starts[0] - dt.timedelta(days=45)):
        series = MeetingSeries.objects.get_or_create(
            forum=forum,
            rule=rule_text.removeprefix("RRULE:"),
            defaults={"description": f"{forum.name} meetings", "created_by": by},
        )[0]
    place = f"{forum.region.name if forum.region else 'State'} Community Hub, Meeting Room 2"
    link = f"https://meet.example.org/{forum.slug}"
    for start in starts:
        if Meeting.objects.filter(forum=forum, start=start).exists():
            continue
        # Created a month ahead, its agenda published a week ahead; never later than now.
        with at(min(start - dt.timedelta(days=30), now - dt.timedelta(hours=2))):
            meeting = Meeting.objects.create(
                forum=forum,
                start=start,
                series=series,
                title=f"{forum.name} meeting",
                end=start + dt.timedelta(hours=hours),
                place=place,
                online_link=link,
                status=MeetingStatus.PUBLISHED,
                created_by=by,
                published_at=timezone.now(),
            )
            for position, (title, kind, minutes) in enumerate(AGENDA, start=1):
                AgendaItem.objects.create(
                    meeting=meeting,
                    position=position,
                    title=title,
                    kind=kind,
                    minutes_allotted=minutes,
                )
        with at(min(start - dt.timedelta(days=7), now - dt.timedelta(hours=1))):
            Meeting.objects.filter(pk=meeting.pk).update(agenda_published_at=timezone.now())


def _actions(forum: Forum, held: list[Meeting], users: dict[str, User], by) -> None:
    """Actions from the last two meetings held: one done, one open, and at the Northern
    CFSN one overdue."""
    if len(held) < 2 or by is None:
        return
    last, earlier = held[-1], held[-2]
    owner = users.get("practitioner@example.org") if forum.slug == "northern-cfsn" else by
    actions = [
        (earlier, "Share the local referral pathway map", ActionStatus.DONE, 14),
        (last, "Circulate the practice guidance on information sharing", ActionStatus.OPEN, 60),
    ]
    if forum.slug == "northern-cfsn":
        # Due a fortnight after a meeting at least a month back: overdue on any day.
        actions.append(
            (earlier, "Collect examples of delayed housing referrals", ActionStatus.OPEN, 14)
        )
    for meeting, title, status, days in actions:
        if ActionItem.objects.filter(forum=forum, meeting=meeting, title=title).exists():
            continue
        due = timezone.localtime(meeting.start).date() + dt.timedelta(days=days)
        if status == ActionStatus.OPEN and days == 60:
            due = timezone.localdate().replace(day=1) + dt.timedelta(days=60)
        with at(meeting.end):
            action = add_action_item(meeting, by=by, title=title, owner=owner, due_date=due)
        if status == ActionStatus.DONE:
            with at(meeting.end + dt.timedelta(days=days - 3)):
                update_action_status(action, by=owner, status=status)


def _resources(forums: dict[str, Forum]) -> None:
    areas = {area.slug: area for area in PracticeArea.objects.all()}
    for slug, title, url, area_slugs in [
        (
            "northern-cfsn",
            "Northern referral pathways",
            "https://example.org/northern-pathways",
            ["children-and-families", "housing"],
        ),
        (
            "statewide",
            "Information sharing guidelines",
            "https://example.org/information-sharing",
            ["child-protection", "family-violence"],
        ),
        (
            "strategic",
            "Reform roadmap 2026",
            "https://example.org/reform-roadmap",
            ["child-protection"],
        ),
    ]:
        if slug not in forums:
            continue
        resource, created = Resource.objects.get_or_create(
            forum=forums[slug], title=title, defaults={"kind": "link", "url": url}
        )
        if created:
            resource.practice_areas.set([areas[a] for a in area_slugs if a in areas])
