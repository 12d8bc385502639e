"""Demo forums, memberships and a year of meetings; a second run finds every row again."""

import datetime as dt

from allauth.account.models import EmailAddress
from dateutil import rrule
from django.utils import timezone

from members.models import Organisation, PracticeArea, Region, User

from .choices import ActionStatus, AgendaItemKind, MeetingStatus, MembershipRole, Tier
from .models import (
    ActionItem,
    AgendaItem,
    Decision,
    Forum,
    Meeting,
    MeetingSeries,
    Membership,
    Resource,
)

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
    ("nadia.north@example.org", "Nadia North", "Case manager", "Safe Homes Alliance", "Northern"),
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
    ("stella.statewide@example.org", "statewide", MembershipRole.CHAIR),
    ("stella.statewide@example.org", "strategic", MembershipRole.MEMBER),
    ("executive@example.org", "strategic", MembershipRole.CHAIR),
    ("grace.gov@example.org", "strategic", MembershipRole.MEMBER),
]

# Cadence per tier: months between meetings, (nth, weekday), start hour, meeting length.
CADENCES = {
    Tier.REGIONAL: (1, (2, rrule.TU), 10, 2),
    Tier.STATEWIDE: (2, (3, rrule.WE), 13, 3),
    Tier.STRATEGIC: (3, (1, rrule.TH), 9, 2),
}

FUTURE_AGENDA = [
    ("Acknowledgement of Country and welcome", AgendaItemKind.STANDING, 10),
    ("Practice issues raised since the last meeting", AgendaItemKind.PRACTICE_ISSUE, 45),
]
PAST_AGENDA = [
    ("Acknowledgement of Country and welcome", AgendaItemKind.STANDING, 10),
    ("Practice issues raised since the last meeting", AgendaItemKind.PRACTICE_ISSUE, 45),
    ("Actions from the last meeting", AgendaItemKind.STANDING, 15),
]


def seed() -> None:
    users = _members()
    forums = _forums()
    for email, slug, role in MEMBERSHIPS:
        Membership.objects.get_or_create(
            user=users[email], forum=forums[slug], defaults={"role": role}
        )
    anchor = timezone.localdate().replace(day=1)
    for forum in forums.values():
        _meetings(forum, anchor, users)
    _resources(forums)


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


def _meetings(forum: Forum, anchor: dt.date, users: dict[str, User]) -> None:
    months, (nth, weekday), hour, hours = CADENCES[forum.tier]
    facilitator = (
        Membership.objects.filter(forum=forum, role__in=[MembershipRole.FACILITATOR, "chair"])
        .select_related("user")
        .first()
    )
    by = facilitator.user if facilitator else None
    first = (anchor - dt.timedelta(days=183)).replace(day=1)
    rule = rrule.rrule(
        rrule.MONTHLY,
        interval=months,
        byweekday=weekday(nth),
        dtstart=dt.datetime.combine(first, dt.time(hour)),
        until=dt.datetime.combine(anchor + dt.timedelta(days=190), dt.time.max),
    )
    rule_text = next(line for line in str(rule).splitlines() if line.startswith("RRULE:"))
    series = MeetingSeries.objects.get_or_create(
        forum=forum,
        rule=rule_text.removeprefix("RRULE:"),
        defaults={"description": f"{forum.name} meetings", "created_by": by},
    )[0]
    now = timezone.now()
    place = f"{forum.region.name if forum.region else 'State'} Community Hub, Meeting Room 2"
    link = f"https://meet.example.org/{forum.slug}"
    held = []
    for moment in rule:
        start = timezone.make_aware(moment)
        past = start < now
        meeting, _ = Meeting.objects.get_or_create(
            forum=forum,
            start=start,
            defaults={
                "series": series,
                "title": f"{forum.name} meeting",
                "end": start + dt.timedelta(hours=hours),
                "place": place,
                "online_link": link,
                "status": MeetingStatus.COMPLETED if past else MeetingStatus.PUBLISHED,
                "created_by": by,
                "published_at": start - dt.timedelta(days=30),
                "agenda_published_at": start - dt.timedelta(days=7),
                "minutes_published_at": start + dt.timedelta(days=3) if past else None,
            },
        )
        agenda = PAST_AGENDA if past else FUTURE_AGENDA
        for position, (title, kind, minutes) in enumerate(agenda, start=1):
            AgendaItem.objects.get_or_create(
                meeting=meeting,
                position=position,
                defaults={
                    "title": title,
                    "kind": kind,
                    "minutes_allotted": minutes,
                    "notes": "Discussed; see decisions and actions." if past else "",
                },
            )
        if past:
            held.append(meeting)
            Decision.objects.get_or_create(
                meeting=meeting,
                text="Members agreed to share the local referral pathways before the next meeting.",
                defaults={"recorded_by": by},
            )
    _actions(forum, held, users, by)


def _actions(forum: Forum, held: list[Meeting], users: dict[str, User], by) -> None:
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
        due = timezone.localtime(meeting.start).date() + dt.timedelta(days=days)
        if status == ActionStatus.OPEN and days == 60:
            due = timezone.localdate().replace(day=1) + dt.timedelta(days=60)
        ActionItem.objects.get_or_create(
            forum=forum,
            meeting=meeting,
            title=title,
            defaults={"owner": owner, "due_date": due, "status": status, "created_by": by},
        )


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
