"""A year of demo loop traffic, walked through the services in the order it happened.

Each issue has a story: raised on a day some months back, triaged a few days later,
decided at the meetings it sat on (carried over, escalated, returned, resolved), answered
by the Strategic Leadership Forum, reflected on back at its CFSN, and delivered (or not)
by the response's owner. The stories are walked together, step by step, on the demo's
clock (members.demo.at): each step runs through the same services real use does, at the
moment it happened, and the meetings are marked held as the clock passes them, so items
not reached carry over as they would. A step that would come after now has not happened
yet: the story stops there, which leaves issues at every stage of the loop today.

Called by `manage.py seed_demo` after the forums demo; if the issues already exist
nothing is done, so a second run changes nothing.
"""

import datetime as dt
import heapq
import itertools
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field

from django.utils import timezone

from forums import demo as forums_demo
from forums.choices import Tier
from forums.models import Forum, Meeting, Membership
from members.demo import at
from members.models import PracticeArea, User

from . import demo_advice, demo_consultations, demo_guidance
from .choices import DeliveryStatus, Outcome, ReferralPurpose, ResponseScope
from .models import PracticeIssue, Referral
from .services import follow_through, responses, routing
from .services import issues as issue_services

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
DELIVERED = "NDIS plans not ready when children enter care"
NOT_PROCEEDING = "No detox beds for young people under 18"
CARRIED_TWICE = "Alcohol and drug services refuse parents on methadone"
OUT_OF_SESSION = "Perinatal mental health referrals lost after birth"
ANSWERED = "Young carers missed in disability support planning"
RETURNED = "Family violence risk assessments not shared with schools"

BETWEEN_MEETINGS = "Agreed by email between meetings so the work could start sooner."

PRACTITIONER = "practitioner@example.org"
NADIA = "nadia.north@example.org"
SOFIA = "sofia.south@example.org"
ETHAN = "ethan.east@example.org"
WES = "wes.west@example.org"
FIONA = "fiona.farnorth@example.org"
# A second voice in each region, from another sector, so issues and endorsements mix them.
SAM = "sam.south@example.org"
EVE = "eve.east@example.org"
WANDA = "wanda.west@example.org"
FARAH = "farah.farnorth@example.org"
EXECUTIVE = "executive@example.org"
GRACE = "grace.gov@example.org"

# What a forum says when it sends an issue on, per tier of the forum sending it.
ESCALATION = {
    "regional": (
        "Seen across the region and by partner agencies; beyond what the CFSN can fix.",
        "The barrier sits in state-wide practice or policy.",
    ),
    "statewide": (
        "Endorsed from several regions: a systemic issue.",
        "Only the Strategic Leadership Forum can align agency policy and funding.",
    ),
}

Story = Generator[dt.datetime, None, None]


@dataclass
class Issue:
    """One story: who raised what where, how many days ago, and what happened next.

    Each act is a tuple: ("endorse", count), ("triage",), ("info", note),
    ("inform", text), ("decline", reason), ("carry",), ("skip",), ("escalate",),
    ("resolve", note), ("return", note), ("out_of_session", outcome, note, days later),
    ("merge", title of the primary), ("respond", owner, scope, days due, decision),
    ("respond_between", owner, scope, days due, decision, days ago), ("reflect", note),
    ("progress", status, note, days later)."""

    title: str
    description: str
    areas: list[str]
    by: str
    region: str
    days_ago: int
    acts: list[tuple] = field(default_factory=list)
    # Counted back from the n-th last State-wide Forum meeting held, not from today: each
    # issue waiting for the Strategic Forum's answer reached it from its own meeting.
    before_statewide: int = 0


STORIES = [
    Issue(
        QUEUED,
        "Referrals made after 5 pm are not picked up until the next working day "
        "and some are lost between intake teams.",
        ["child-protection", "family-violence"],
        PRACTITIONER,
        "northern",
        4,
    ),
    Issue(
        INFO,
        "Families in rural areas miss supervised contact because there is no transport.",
        ["children-and-families"],
        PRACTITIONER,
        "northern",
        20,
        [("info", "Which services have you seen this with, and how often?")],
    ),
    Issue(
        ON_AGENDA,
        "Women wait eight weeks or more for family violence counselling after a referral.",
        ["family-violence"],
        PRACTITIONER,
        "northern",
        9,
        [("endorse", 1), ("triage",)],
    ),
    Issue(
        RESOLVED,
        "Agencies each write their own safety plan for the same family, and the plans disagree.",
        ["family-violence", "child-protection"],
        PRACTITIONER,
        "northern",
        300,
        [
            ("endorse", 2),
            ("triage",),
            ("resolve", "Agreed one shared safety plan led by the case-holding agency."),
        ],
    ),
    Issue(
        STATEWIDE,
        "Young people turning 18 leave care with no housing arranged.",
        ["housing", "children-and-families"],
        PRACTITIONER,
        "northern",
        62,
        [("endorse", 3), ("triage",), ("escalate",)],
    ),
    Issue(
        MERGED,
        "Care leavers end up homeless within months.",
        ["housing"],
        SOFIA,
        "southern",
        12,
        [("endorse", 1), ("merge", STATEWIDE)],
    ),
    Issue(
        STRATEGIC,
        "Each agency asks families to sign a different consent form before sharing information.",
        ["child-protection", "disability"],
        PRACTITIONER,
        "northern",
        50,
        [("endorse", 4), ("triage",), ("escalate",), ("escalate",)],
        before_statewide=1,
    ),
    Issue(
        RESPONDED,
        "Child protection plans wait months for disability assessments.",
        ["disability", "child-protection"],
        PRACTITIONER,
        "northern",
        345,
        [
            ("endorse", 2),
            ("triage",),
            ("carry",),
            ("escalate",),
            ("escalate",),
            (
                "respond",
                EXECUTIVE,
                ResponseScope.ALL_CFSNS,
                120,
                "Disability assessments for children on a protection plan will be "
                "prioritised from next quarter.",
            ),
            ("reflect", "Members welcomed the priority and asked for the new referral form."),
            ("progress", DeliveryStatus.PLANNED, "Assessment teams briefed; form drafted.", 14),
            (
                "progress",
                DeliveryStatus.IN_PROGRESS,
                "Priority list running in two regions; the others start next month.",
                45,
            ),
        ],
    ),
    Issue(
        CLOSED,
        "Cultural consultation with Aboriginal community-controlled organisations happens "
        "too late in case planning.",
        ["aboriginal-children-and-families"],
        PRACTITIONER,
        "northern",
        290,
        [
            ("endorse", 3),
            ("triage",),
            ("escalate",),
            ("escalate",),
            (
                "respond",
                GRACE,
                ResponseScope.ORIGIN,
                60,
                "Cultural consultation becomes a required step before the first case "
                "plan; funding for ACCO consultation is confirmed.",
            ),
            ("reflect", "The CFSN welcomed the change and will review it in six months."),
            (
                "progress",
                DeliveryStatus.IN_PROGRESS,
                "Funding agreements with three ACCOs signed; two still in negotiation.",
                30,
            ),
        ],
    ),
    Issue(
        DECLINED,
        "There is not enough parking at the community centre.",
        ["children-and-families"],
        PRACTITIONER,
        "northern",
        45,
        [("decline", "A building matter for the centre's manager, not practice.")],
    ),
    Issue(
        DELIVERED,
        "Children entering care wait for an NDIS plan review before supports start.",
        ["disability", "mental-health"],
        ETHAN,
        "eastern-hills",
        355,
        [
            ("endorse", 3),
            ("triage",),
            ("escalate",),
            ("escalate",),
            (
                "respond",
                EXECUTIVE,
                ResponseScope.ORIGIN,
                90,
                "A fast-track NDIS review for children entering care, agreed with the agency.",
            ),
            ("reflect", "Members asked to hear back once the fast track is running."),
            ("progress", DeliveryStatus.PLANNED, "Agreement drafted with the agency.", 10),
            ("progress", DeliveryStatus.IN_PROGRESS, "Fast track piloted in two regions.", 40),
            ("progress", DeliveryStatus.DELIVERED, "Fast track running state-wide.", 50),
        ],
    ),
    Issue(
        CARRIED_TWICE,
        "Parents on opioid replacement therapy are refused residential rehabilitation.",
        ["alcohol-and-other-drugs", "children-and-families"],
        WES,
        "western",
        250,
        [
            ("endorse", 2),
            ("triage",),
            ("carry",),
            ("carry",),
            ("escalate",),
            ("resolve", "Providers agreed to review their intake rules with the sector."),
        ],
    ),
    Issue(
        NOT_PROCEEDING,
        "Young people under 18 have no withdrawal beds anywhere in the state.",
        ["alcohol-and-other-drugs", "mental-health"],
        FIONA,
        "far-north",
        330,
        [
            ("endorse", 4),
            ("triage",),
            ("escalate",),
            ("skip",),
            ("escalate",),
            (
                "respond",
                GRACE,
                ResponseScope.ALL_CFSNS,
                75,
                "Two youth withdrawal beds will be commissioned in the next budget.",
            ),
            ("reflect", "Members noted the plan and asked for the commissioning timeline."),
            (
                "progress",
                DeliveryStatus.NOT_PROCEEDING,
                "The budget bid was not funded this year; it goes forward again next year.",
                60,
            ),
        ],
    ),
    Issue(
        OUT_OF_SESSION,
        "Mothers referred to perinatal mental health before birth lose the referral once "
        "the baby is born.",
        ["mental-health", "children-and-families"],
        SOFIA,
        "southern",
        50,
        [
            ("endorse", 3),
            ("triage",),
            ("escalate",),
            (
                "out_of_session",
                Outcome.ESCALATED,
                "Health asked for it to reach the Strategic Forum before the budget round.",
                3,
            ),
        ],
        before_statewide=3,
    ),
    Issue(
        "Kinship carers in remote communities get no respite",
        "Kinship carers far from town have no respite care and placements break down.",
        ["aboriginal-children-and-families", "housing"],
        FIONA,
        "far-north",
        50,
        [("endorse", 2), ("triage",), ("escalate",), ("escalate",)],
        before_statewide=4,
    ),
    Issue(
        "Methadone dosing hours clash with school drop-off",
        "Parents must choose between dosing and taking children to school.",
        ["alcohol-and-other-drugs"],
        NADIA,
        "northern",
        50,
        [("endorse", 2), ("triage",), ("escalate",), ("escalate",)],
        before_statewide=2,
    ),
    Issue(
        RETURNED,
        "Schools are not told when a child's family violence risk assessment changes.",
        ["family-violence", "children-and-families"],
        ETHAN,
        "eastern-hills",
        185,
        [
            ("triage",),
            ("return", "Which schools and which assessments? We need examples to act."),
            ("inform", "Three primary schools; the assessments of two agencies."),
            ("triage",),
            ("resolve", "Agencies agreed a notice to the school's wellbeing lead."),
        ],
    ),
    Issue(
        "Foster carers not told of a child's medical appointments",
        "Carers learn about specialist appointments after they have been missed.",
        ["children-and-families", "child-protection"],
        WANDA,
        "western",
        30,
        [("endorse", 1), ("triage",)],
    ),
    Issue(
        "Mental health crisis teams cannot reach remote homes at night",
        "After dark, crisis teams will not drive the remote roads, so families wait.",
        ["mental-health"],
        FARAH,
        "far-north",
        25,
        [("endorse", 1)],
    ),
    Issue(
        "Child protection notifications bounce between regional offices",
        "A notification about a family who has moved is passed between offices for days.",
        ["child-protection"],
        SAM,
        "southern",
        88,
        [("endorse", 3), ("triage",), ("escalate",)],
    ),
    Issue(
        "Emergency accommodation has no cots",
        "Families placed in motels overnight have nowhere safe for a baby to sleep.",
        ["housing", "children-and-families"],
        NADIA,
        "northern",
        16,
        [("endorse", 1)],
    ),
    Issue(
        "Interpreters not available for child protection home visits",
        "Home visits go ahead without an interpreter because none can be booked in time.",
        ["child-protection"],
        EVE,
        "eastern-hills",
        70,
        [
            ("triage",),
            (
                "out_of_session",
                Outcome.RESOLVED,
                "The interpreter service opened a same-day line for home visits.",
                9,
            ),
        ],
    ),
    Issue(
        "Disability respite closes over school holidays",
        "Respite providers close for the holidays, when families most need them.",
        ["disability"],
        WES,
        "western",
        320,
        [("endorse", 1), ("triage",), ("resolve", "Providers agreed a holiday roster.")],
    ),
    Issue(
        "Protection orders not served in remote communities",
        "Intervention orders wait weeks to be served where there is no police station.",
        ["family-violence"],
        FIONA,
        "far-north",
        265,
        [
            ("endorse", 2),
            ("triage",),
            ("escalate",),
            ("resolve", "Police agreed a fortnightly service run with the courts."),
        ],
    ),
    Issue(
        ANSWERED,
        "Young carers are not identified when a parent's disability support plan is made.",
        ["disability", "children-and-families"],
        WES,
        "western",
        50,
        [
            ("endorse", 2),
            ("triage",),
            ("escalate",),
            ("escalate",),
            (
                "respond_between",
                GRACE,
                ResponseScope.ORIGIN,
                90,
                "Support plans will ask about children in the household from next month.",
                4,
            ),
        ],
        before_statewide=2,
    ),
]

ALL_TITLES = [
    DRAFT,
    *(story.title for story in STORIES),
    *demo_advice.TITLES,
    demo_guidance.RESOLVED_TITLE,
]


class Walk:
    """The stories, stepped through together in time order on the demo's clock."""

    def __init__(self) -> None:
        self.now = timezone.now()
        self.users = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
        self.areas = {area.slug: area for area in PracticeArea.objects.all()}
        self.forums = {forum.slug: forum for forum in Forum.objects.all()}
        self.issues: dict[str, PracticeIssue] = {}
        self.cfsn_members = set(
            Membership.objects.filter(forum__tier=Tier.REGIONAL).values_list("user", flat=True)
        )
        self.queue: list[tuple[dt.datetime, int, Iterator[dt.datetime]]] = []
        self.order = itertools.count()
        self.clock = self.now - dt.timedelta(days=forums_demo.HISTORY_DAYS)
        self.statewide_held = list(
            Meeting.objects.forum_meetings()
            .filter(forum__tier=Tier.STATEWIDE, start__lt=self.now)
            .order_by("start")
        )

    def add(self, steps: Iterator[dt.datetime]) -> None:
        self._push(steps, next(steps, None))

    def _push(self, steps: Iterator[dt.datetime], moment: dt.datetime | None) -> None:
        # A step after now has not happened yet: the story stops before it.
        if moment is not None and moment < self.now:
            # Never before the step just taken: the clock only goes forward.
            moment = max(moment, self.clock)
            heapq.heappush(self.queue, (moment, next(self.order), steps))

    def run(self) -> None:
        while self.queue:
            moment, _, steps = heapq.heappop(self.queue)
            self.clock = moment
            forums_demo.complete_held(moment)
            with at(moment):
                following = next(steps, None)
            self._push(steps, following)

    def runner(self, forum: Forum) -> User:
        return forums_demo.runner(forum)

    def endorsers(self, issue: PracticeIssue) -> list[User]:
        """Members of other regions' CFSNs than the issue's, never the demo practitioner,
        who keeps other people's issues to endorse."""
        others = [
            user
            for email, user in sorted(self.users.items())
            if user.pk in self.cfsn_members
            and user.region_id not in (None, issue.raised_by.region_id)
            and email not in (PRACTITIONER, issue.raised_by.email)
        ]
        # Start at a different member for each issue, so endorsements spread out.
        shift = issue.pk % len(others)
        return others[shift:] + others[:shift]

    def story(self, number: int, spec: Issue) -> Story:
        by = self.users[spec.by]
        forum = self.forums[f"{spec.region}-cfsn"]
        since = self.now
        if spec.before_statewide:
            since = self.statewide_held[-spec.before_statewide].start
        raised = timezone.localtime(since - dt.timedelta(days=spec.days_ago))
        moment = raised.replace(hour=9 + number % 8, minute=(number * 13) % 60)
        # Each story decides at its meetings at its own minute, so no two share a moment.
        minute = dt.timedelta(minutes=5 + (number * 7) % 100)
        yield moment
        issue = issue_services.raise_issue(
            by=by,
            title=spec.title,
            description=spec.description,
            practice_areas=[self.areas[slug] for slug in spec.areas],
            forum=forum,
            attested=True,
        )
        self.issues[spec.title] = issue
        for act, *args in spec.acts:
            yield from getattr(self, f"act_{act}")(issue, minute, *args)

    def _latest(self, issue: PracticeIssue) -> PracticeIssue:
        return PracticeIssue.objects.select_related("raised_by", "current_forum").get(pk=issue.pk)

    def _item(self, issue: PracticeIssue, purpose=ReferralPurpose.CONSIDER):
        referral = (
            Referral.objects.filter(issue=issue, left_at__isnull=True, purpose=purpose)
            .select_related("agenda_item__meeting", "forum")
            .order_by("agenda_item__meeting__start", "pk")
            .first()
        )
        return referral.agenda_item if referral is not None else None

    def _at_meeting(self, issue: PracticeIssue, minute: dt.timedelta) -> Iterator[dt.datetime]:
        """Wait for the meeting whose agenda the issue is on, then that item is reached."""
        item = self._item(issue)
        if item is None:
            return
        yield item.meeting.start + minute

    def _between_meetings(self, issue: PracticeIssue, moment: dt.datetime) -> dt.datetime:
        """A decision out of session is taken between meetings: if the meeting the issue is
        on is under way at `moment`, it waits until that meeting has been marked held."""
        item = self._item(issue)
        if item is None:
            return moment
        held = item.meeting.end + forums_demo.HELD_AFTER + dt.timedelta(minutes=30)
        return held if item.meeting.start <= moment < held else moment

    def act_endorse(self, issue, minute, count: int) -> Story:
        issue = self._latest(issue)
        for day, user in enumerate(self.endorsers(issue)[:count], start=1):
            yield timezone.now() + dt.timedelta(days=day, hours=day)
            issue_services.endorse_issue(issue, by=user)

    def act_triage(self, issue, minute) -> Story:
        yield timezone.now() + dt.timedelta(days=2, hours=1)
        issue = self._latest(issue)
        forum = issue.current_forum
        routing.place_on_agenda(
            issue, meeting=routing.next_open_meeting(forum), by=self.runner(forum)
        )

    def act_info(self, issue, minute, note: str) -> Story:
        yield timezone.now() + dt.timedelta(days=2)
        issue = self._latest(issue)
        forum = issue.current_forum
        routing.request_information(issue, forum=forum, by=self.runner(forum), note=note)

    def act_inform(self, issue, minute, text: str) -> Story:
        yield timezone.now() + dt.timedelta(days=5)
        issue = self._latest(issue)
        issue_services.provide_information(issue, by=issue.raised_by, text=text)

    def act_decline(self, issue, minute, reason: str) -> Story:
        yield timezone.now() + dt.timedelta(days=3)
        issue = self._latest(issue)
        forum = issue.current_forum
        routing.decline_issue(issue, forum=forum, by=self.runner(forum), reason=reason)

    def _outcome(self, issue, minute, outcome: str, note: str = "") -> Story:
        for moment in self._at_meeting(issue, minute):
            yield moment
            item = self._item(issue)
            forum = item.meeting.forum
            summary, rationale = ESCALATION.get(forum.tier, ("", ""))
            routing.record_outcome(
                item,
                outcome=outcome,
                note=note,
                by=self.runner(forum),
                summary=summary if outcome == Outcome.ESCALATED else "",
                rationale=rationale if outcome == Outcome.ESCALATED else "",
            )

    def act_carry(self, issue, minute) -> Story:
        yield from self._outcome(
            issue, minute, Outcome.CARRIED_OVER, "Not reached in the time; carried over."
        )

    def act_skip(self, issue, minute) -> Story:
        """The meeting runs out of time: marked held, the item carries over by itself."""
        item = self._item(issue)
        if item is not None:
            yield item.meeting.end + dt.timedelta(hours=2)

    def act_escalate(self, issue, minute) -> Story:
        yield from self._outcome(issue, minute, Outcome.ESCALATED)

    def act_resolve(self, issue, minute, note: str) -> Story:
        yield from self._outcome(issue, minute, Outcome.RESOLVED, note)

    def act_return(self, issue, minute, note: str) -> Story:
        yield from self._outcome(issue, minute, Outcome.RETURNED, note)

    def act_out_of_session(self, issue, minute, outcome: str, note: str, days: int) -> Story:
        yield self._between_meetings(issue, timezone.now() + dt.timedelta(days=days))
        issue = self._latest(issue)
        forum = issue.current_forum
        summary, rationale = ESCALATION.get(forum.tier, ("", ""))
        routing.decide_out_of_session(
            issue,
            forum=forum,
            outcome=outcome,
            reason=BETWEEN_MEETINGS,
            by=self.runner(forum),
            note=note if outcome != Outcome.ESCALATED else "",
            summary=f"{summary} {note}" if outcome == Outcome.ESCALATED else "",
            rationale=rationale if outcome == Outcome.ESCALATED else "",
        )

    def act_merge(self, issue, minute, primary: str) -> Story:
        yield timezone.now() + dt.timedelta(days=2)
        issue = self._latest(issue)
        routing.merge_issues(issue, into=self.issues[primary], by=self.runner(issue.current_forum))

    def act_respond(self, issue, minute, owner: str, scope: str, due: int, decision: str):
        for moment in self._at_meeting(issue, minute):
            yield moment
            today = timezone.localdate()
            responses.respond(
                self._latest(issue),
                by=self.users[EXECUTIVE],
                owner=self.users[owner],
                due_date=today + dt.timedelta(days=due),
                review_date=today + dt.timedelta(days=due // 2),
                scope=scope,
                decision=decision,
            )

    def act_respond_between(
        self, issue, minute, owner: str, scope: str, due: int, decision: str, days_ago: int
    ) -> Story:
        """Answered between the Strategic Forum's meetings, out of session."""
        yield self._between_meetings(issue, self.now - dt.timedelta(days=days_ago))
        today = timezone.localdate()
        responses.respond(
            self._latest(issue),
            by=self.users[EXECUTIVE],
            owner=self.users[owner],
            due_date=today + dt.timedelta(days=due),
            review_date=today + dt.timedelta(days=due // 2),
            scope=scope,
            decision=decision,
            out_of_session_reason=BETWEEN_MEETINGS,
        )

    def act_reflect(self, issue, minute, note: str) -> Story:
        """Every CFSN the response went back to reflects on it at its next meeting; the
        issue's own CFSN closes the loop."""
        while (item := self._item(issue, ReferralPurpose.REFLECT)) is not None:
            yield item.meeting.start + minute
            routing.mark_discussed(item, by=self.runner(item.meeting.forum), note=note)

    def act_progress(self, issue, minute, status: str, note: str, days: int) -> Story:
        yield timezone.now() + dt.timedelta(days=days)
        issue = self._latest(issue)
        follow_through.post_progress(
            issue.response, status=status, note=note, by=issue.response.owner
        )


def seed() -> None:
    if PracticeIssue.objects.filter(title__in=ALL_TITLES).exists():
        return
    walk = Walk()
    for number, spec in enumerate(STORIES):
        walk.add(walk.story(number, spec))
    demo_consultations.add_to(walk)
    demo_guidance.add_to(walk)
    demo_advice.add_to(walk)
    walk.run()
    # A draft, saved a few days ago and not raised yet.
    with at(timezone.now() - dt.timedelta(days=3)):
        issue_services.save_draft(
            by=walk.users[PRACTITIONER],
            title=DRAFT,
            practice_areas=[walk.areas["children-and-families"]],
            description="Interpreters are often booked too late for family group conferences.",
            forum=walk.forums["northern-cfsn"],
        )
