"""Demo data: practice leads at work. Two more leads named by administrators, their expert
advice on a few of the year's issues (one of which gives the input an Aboriginal
community-controlled organisation was asked for), and an Aboriginal children and families
issue on the Northern CFSN's next agenda still waiting for that input. Each step runs
through the services on the demo's clock (added to feedback/demo.py's walk, which runs once).
"""

import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

from forums import demo as forums_demo
from members.demo import ACCOUNTS_OPENED
from practice.models import PracticeLead

from .choices import IssueStatus
from .models import PracticeIssue
from .services import issues as issue_services
from .services import routing
from .services.advice import give_advice

LEAD = "lead@example.org"
PRACTITIONER = "practitioner@example.org"
WAITING_FOR_ACCO = "Aboriginal children placed away from kin without a family search"
# The issues this module raises.
TITLES = [WAITING_FOR_ACCO]

# Leads named from among the forums' members (lead@example.org is named with the library).
MORE_LEADS = [
    ("aboriginal-children-and-families", "sam.south@example.org"),
    ("child-protection", "ethan.east@example.org"),
]

# issue title, days after it was raised, lead, as lead of (area slug), advice
ADVICE = [
    (
        "Cultural consultation missing from early case planning",
        4,
        LEAD,
        "aboriginal-children-and-families",
        "Bring the family's Aboriginal community-controlled organisation in before the first "
        "case plan, not after it: the cultural support plan guidance asks for it at intake.",
    ),
    (
        "Young people leaving care without housing",
        9,
        LEAD,
        "children-and-families",
        "Start leaving-care planning at 15 and name the housing provider in the plan; the "
        "transition guidance has a checklist the CFSN could adopt.",
    ),
    (
        "Transport to supervised contact in rural areas",
        3,
        LEAD,
        "children-and-families",
        "Some services already pool a vehicle for contact visits; ask the forum which could "
        "share theirs before escalating.",
    ),
    (
        "After-hours referrals lost between services",
        1,
        "ethan.east@example.org",
        "child-protection",
        "After-hours referrals should go to the central intake line, which logs every call; "
        "check whether the services involved are using the old numbers.",
    ),
]


def add_to(walk) -> None:
    """Name the leads (before the year's issues, so they were told of them) and add the
    advice and the waiting issue to the demo's walk (before it runs)."""
    since = timezone.now() - ACCOUNTS_OPENED
    for slug, email in MORE_LEADS:
        user, area = walk.users.get(email), walk.areas.get(slug)
        if user is not None and area is not None:
            PracticeLead.objects.get_or_create(
                user=user, practice_area=area, defaults={"since": since}
            )
    for title, days, email, slug, body in ADVICE:
        walk.add(_advice(walk, title, days=days, email=email, slug=slug, body=body))
    walk.add(_waiting_for_acco_input(walk, days_ago=6))


def _advice(walk, title: str, *, days: int, email: str, slug: str, body: str) -> Iterator:
    spec = next((story for story in _stories() if story.title == title), None)
    by, area = walk.users.get(email), walk.areas.get(slug)
    if spec is None or by is None or area is None or spec.before_statewide:
        return
    raised = walk.now - dt.timedelta(days=spec.days_ago)
    yield timezone.localtime(raised + dt.timedelta(days=days)).replace(
        hour=15, minute=20 + days, second=0, microsecond=0
    )
    issue = walk.issues.get(title)
    if issue is None:
        return
    issue = PracticeIssue.objects.get(pk=issue.pk)
    if issue.status in (IssueStatus.DRAFT, IssueStatus.MERGED):
        return
    give_advice(issue, area=area, body=body, by=by)


def _stories():
    from .demo import STORIES

    return STORIES


def _waiting_for_acco_input(walk, *, days_ago: int) -> Iterator[dt.datetime]:
    by = walk.users.get(PRACTITIONER)
    forum = walk.forums.get("northern-cfsn")
    areas = [walk.areas.get("aboriginal-children-and-families"), walk.areas.get("child-protection")]
    if by is None or forum is None or None in areas:
        return
    raised = timezone.localtime(walk.now - dt.timedelta(days=days_ago)).replace(
        hour=10, minute=23, second=0, microsecond=0
    )
    yield raised
    issue = issue_services.raise_issue(
        by=by,
        title=WAITING_FOR_ACCO,
        description=(
            "Children are placed with carers outside their community before anyone has "
            "searched for kin, so returning them to family later is harder."
        ),
        practice_areas=areas,
        forum=forum,
        attested=True,
    )
    yield raised + dt.timedelta(days=1, hours=3)
    meeting = routing.next_open_meeting(forum)
    if meeting is not None:
        routing.place_on_agenda(
            PracticeIssue.objects.get(pk=issue.pk), meeting=meeting, by=forums_demo.runner(forum)
        )
