"""Demo practice issues at every stage of the loop, so a new person sees the whole picture.

Called by `manage.py seed_demo` after the forums demo; an issue whose title already exists
is left alone, so a second run changes nothing.
"""

import datetime as dt

from django.utils import timezone

from forums.models import Forum
from members.models import PracticeArea, User

from .choices import Outcome, ResponseScope
from .models import PracticeIssue
from .services import issues as issue_services
from .services import responses, routing

DRAFT = "Interpreter bookings for family group conferences"
QUEUED = "After-hours referrals lost between services"
INFO = "Transport to supervised contact in rural areas"
ON_AGENDA = "Waiting times for family violence counselling"
RESOLVED = "Duplicate safety plans across agencies"
STATEWIDE = "Young people leaving care without housing"
STRATEGIC = "Information sharing consent forms differ by agency"
RESPONDED = "Disability assessments delay child protection plans"
CLOSED = "Cultural consultation missing from early case planning"
DECLINED = "Parking at the Northern community centre"
MERGED = "Young people exiting care become homeless"

ALL_TITLES = [
    DRAFT,
    QUEUED,
    INFO,
    ON_AGENDA,
    RESOLVED,
    STATEWIDE,
    STRATEGIC,
    RESPONDED,
    CLOSED,
    DECLINED,
    MERGED,
]


def _user(email: str) -> User:
    return User.objects.get(email=email)


def seed() -> None:
    if PracticeIssue.objects.filter(title__in=ALL_TITLES).exists():
        return
    practitioner = _user("practitioner@example.org")
    facilitator = _user("facilitator@example.org")
    chair = _user("stella.statewide@example.org")
    executive = _user("executive@example.org")
    north = Forum.objects.get(slug="northern-cfsn")
    south = Forum.objects.get(slug="southern-cfsn")
    areas = {a.slug: a for a in PracticeArea.objects.all()}
    endorsers = list(
        User.objects.exclude(region=None).exclude(pk=practitioner.pk).order_by("email")
    )

    def raise_(title, description, area_slugs, *, by=practitioner, forum=north):
        return issue_services.raise_issue(
            by=by,
            title=title,
            description=description,
            practice_areas=[areas[s] for s in area_slugs],
            forum=forum,
            attested=True,
        )

    def placed(issue, forum, *, later=False):
        # Issues that travel on are discussed at the meeting after next, so neither agenda
        # runs over time.
        meeting = routing.next_open_meeting(forum)
        if later:
            meeting = routing.next_open_meeting(forum, after=meeting) or meeting
        routing.place_on_agenda(issue, meeting=meeting, by=facilitator)
        return issue.referrals.get(left_at__isnull=True).agenda_item

    def escalate(issue, item, by, summary, rationale):
        routing.record_outcome(
            item, outcome=Outcome.ESCALATED, note="", by=by, summary=summary, rationale=rationale
        )
        return PracticeIssue.objects.get(pk=issue.pk)

    def endorse(issue, count):
        for user in [u for u in endorsers if u.region_id != issue.raised_by.region_id][:count]:
            issue_services.endorse_issue(issue, by=user)

    issue_services.save_draft(
        by=practitioner,
        title=DRAFT,
        practice_areas=[areas["children-and-families"]],
        description="Interpreters are often booked too late for family group conferences.",
        forum=north,
    )
    raise_(
        QUEUED,
        "Referrals made after 5 pm are not picked up until the next working day "
        "and some are lost between intake teams.",
        ["child-protection", "family-violence"],
    )
    info = raise_(
        INFO,
        "Families in rural areas miss supervised contact because there is no transport.",
        ["children-and-families"],
    )
    routing.request_information(
        info,
        forum=north,
        by=facilitator,
        note="Which services have you seen this with, and how often?",
    )
    on_agenda = raise_(
        ON_AGENDA,
        "Women wait eight weeks or more for family violence counselling after a referral.",
        ["family-violence"],
    )
    placed(on_agenda, north)
    endorse(on_agenda, 1)

    resolved = raise_(
        RESOLVED,
        "Agencies each write their own safety plan for the same family, and the plans disagree.",
        ["family-violence", "child-protection"],
    )
    routing.record_outcome(
        placed(resolved, north),
        outcome=Outcome.RESOLVED,
        by=facilitator,
        note="Agreed one shared safety plan led by the case-holding agency.",
    )

    statewide = raise_(
        STATEWIDE,
        "Young people turning 18 leave care with no housing arranged.",
        ["housing", "children-and-families"],
    )
    endorse(statewide, 3)
    escalate(
        statewide,
        placed(statewide, north, later=True),
        facilitator,
        "Seen in every region represented at the CFSN.",
        "Housing pathways are set state-wide, not locally.",
    )
    duplicate = raise_(
        MERGED,
        "Care leavers end up homeless within months.",
        ["housing"],
        by=_user("sofia.south@example.org"),
        forum=south,
    )
    routing.merge_issues(duplicate, into=statewide, by=_user("sofia.south@example.org"))

    def to_strategic(title, description, area_slugs, count):
        issue = raise_(title, description, area_slugs)
        endorse(issue, count)
        issue = escalate(
            issue,
            placed(issue, north, later=True),
            facilitator,
            "A barrier between agencies that practitioners cannot remove.",
            "Needs a decision across departments.",
        )
        item = issue.referrals.get(left_at__isnull=True).agenda_item
        return escalate(
            issue,
            item,
            chair,
            "Raised in several regions; systemic.",
            "Only the Strategic Leadership Forum can align agency policy.",
        )

    to_strategic(
        STRATEGIC,
        "Each agency asks families to sign a different consent form before sharing information.",
        ["child-protection", "disability"],
        4,
    )
    due = timezone.localdate() + dt.timedelta(days=90)
    responded = to_strategic(
        RESPONDED,
        "Child protection plans wait months for disability assessments.",
        ["disability", "child-protection"],
        2,
    )
    responses.respond(
        responded,
        by=executive,
        owner=executive,
        due_date=due,
        scope=ResponseScope.ALL_CFSNS,
        decision="Disability assessments for children on a protection plan "
        "will be prioritised from next quarter.",
    )
    closed = to_strategic(
        CLOSED,
        "Cultural consultation with Aboriginal community-controlled "
        "organisations happens too late in case planning.",
        ["aboriginal-children-and-families"],
        3,
    )
    responses.respond(
        closed,
        by=executive,
        owner=executive,
        due_date=due,
        scope=ResponseScope.ORIGIN,
        decision="Cultural consultation becomes a required step before the "
        "first case plan; funding for ACCO consultation is confirmed.",
    )
    reflection = closed.referrals.get(purpose="reflect", left_at__isnull=True).agenda_item
    routing.mark_discussed(
        reflection,
        by=facilitator,
        note="The CFSN welcomed the change and will review it in six months.",
    )

    declined = raise_(
        DECLINED, "There is not enough parking at the community centre.", ["children-and-families"]
    )
    routing.decline_issue(
        declined,
        forum=north,
        by=facilitator,
        reason="A building matter for the centre's manager, not practice.",
    )
