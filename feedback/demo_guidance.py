"""Demo data: the practice library seen from issues. Guidance cited on a few issues, and one
issue its CFSN resolved by pointing to the library, each through the services on the demo's
clock (added to feedback/demo.py's walk, which runs once)."""

import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

from forums import demo as forums_demo
from practice.models import GuidanceItem
from practice.selectors import citable_guidance

from .choices import IssueStatus, Outcome
from .models import PracticeIssue
from .services import issues as issue_services
from .services import routing
from .services.guidance import cite_guidance

PRACTITIONER = "practitioner@example.org"
SHARING_GUIDE = "Information sharing guidelines for child wellbeing and safety"
RESOLVED_TITLE = "Workers unsure when they may share information without consent"
# Issues in each item's practice areas that cite it, at most.
CITATIONS_PER_ITEM = 2
CITED = [
    "Safety planning with children and young people",
    "Family violence risk assessment framework",
    "Kinship care assessment tool",
    "Housing pathways for families leaving violence",
]


def add_to(walk) -> None:
    """Add the library's stories to the demo's walk (before it runs)."""
    walk.add(_resolved_by_guidance(walk, days_ago=80))
    walk.add(_citations(walk, days_ago=25))


def _guidance(title: str) -> GuidanceItem | None:
    return citable_guidance().filter(title=title).first()


def _citations(walk, *, days_ago: int) -> Iterator[dt.datetime]:
    yield timezone.localtime(walk.now - dt.timedelta(days=days_ago)).replace(
        hour=14, minute=7, second=0, microsecond=0
    )
    for title in CITED:
        item = _guidance(title)
        if item is None:
            continue
        areas = set(item.practice_areas.values_list("pk", flat=True))
        issues = [
            issue
            for _, issue in sorted(walk.issues.items())
            if areas & {area.pk for area in issue.practice_areas.all()}
        ]
        cited = 0
        for issue in issues:
            issue = PracticeIssue.objects.get(pk=issue.pk)
            if issue.status in (IssueStatus.MERGED, IssueStatus.DRAFT):
                continue
            already = list(issue.related_guidance.all())
            cite_guidance(issue, items=[*already, item], by=issue.raised_by)
            cited += 1
            if cited == CITATIONS_PER_ITEM:
                break


def _resolved_by_guidance(walk, *, days_ago: int) -> Iterator[dt.datetime]:
    guide = _guidance(SHARING_GUIDE)
    by = walk.users.get(PRACTITIONER)
    forum = walk.forums.get("northern-cfsn")
    if guide is None or by is None or forum is None:
        return
    raised = timezone.localtime(walk.now - dt.timedelta(days=days_ago)).replace(
        hour=11, minute=17, second=0, microsecond=0
    )
    yield raised
    issue = issue_services.raise_issue(
        by=by,
        title=RESOLVED_TITLE,
        description=(
            "New staff in several services are not sure when they may share information "
            "about a family's safety without the parents' consent, so referrals stall."
        ),
        practice_areas=list(guide.practice_areas.all()),
        forum=forum,
        attested=True,
    )
    yield raised + dt.timedelta(days=1)
    cite_guidance(issue, items=[guide], by=by)
    yield raised + dt.timedelta(days=2, hours=2)
    meeting = routing.next_open_meeting(forum)
    if meeting is None:
        return
    runner = forums_demo.runner(forum)
    routing.place_on_agenda(PracticeIssue.objects.get(pk=issue.pk), meeting=meeting, by=runner)
    item = issue.referrals.get(left_at__isnull=True).agenda_item
    yield item.meeting.start + dt.timedelta(minutes=41)
    routing.record_outcome(
        item,
        outcome=Outcome.RESOLVED,
        note="The information sharing guidelines answer this; each service will brief new staff.",
        by=runner,
        guidance=guide,
    )
