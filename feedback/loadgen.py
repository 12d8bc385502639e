"""A state-sized data set for the performance benchmark: `manage.py generate_load`.

At scale 1 it holds what a state-wide system accumulates over about three years: 40 CFSNs,
5,000 members, ~5,000 meetings, 100,000 practice issues with their stays at each tier,
260,000 endorsements, 159,000 comments, ~716,000 issue events and 500,000 notifications; and
the 20,000 downloads people asked for within the week exports are kept.

Each issue's story is worked out in memory the way the services would have written it
(raised, placed on the next meeting of its forum, resolved or escalated there, answered by
the Strategic Leadership Forum, reflected on back home), stopping where a step would come
after now. Rows are then written in bulk with their own timestamps: COPY on PostgreSQL,
plain multi-row inserts elsewhere. Running a million service calls would take hours, and
the services stamp "now", so the history could not be back-dated through them.

Demo and benchmark data only: the command refuses to run in production.
"""

import bisect
import datetime as dt
import random
import secrets
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.text import slugify

from forums.choices import AgendaItemKind, MeetingStatus, MembershipRole, Tier
from forums.models import AgendaItem, CalendarFeed, Forum, Meeting, Membership
from forums.services.search import rebuild_meeting_search
from members.choices import Sector
from members.models import Notification, Organisation, PracticeArea, Region, User

from .choices import (
    DeliveryStatus,
    EventKind,
    IssueStatus,
    Outcome,
    ReferralPurpose,
    ResponseScope,
)
from .models import Comment, Endorsement, IssueEvent, PracticeIssue, Referral, Response, Watch

# The counts at scale 1; every count is multiplied by the scale, and is at least 1.
AT_SCALE_1 = {
    "cfsns": 40,
    "members": 5_000,
    "meetings": 4_991,
    "issues": 100_000,
    "endorsements": 260_000,
    "comments": 159_000,
    "notifications": 500_000,
    "exports": 20_000,
    "practice_areas": 16,
    "organisations": 30,
}
# The members made here sign in nowhere; their addresses mark the data as load data.
LOAD_EMAIL_DOMAIN = "load.example.org"
BUSY_MEMBER_EMAIL = f"busy.member@{LOAD_EMAIL_DOMAIN}"
HISTORY = dt.timedelta(days=3 * 365)
AHEAD = dt.timedelta(days=183)
# The one issue everybody talks about: its page shows the longest timeline.
HOT_ISSUE_COMMENTS = 1_000
HOT_ISSUE_ENDORSEMENTS = 600
# The demo executive's downloads run past a page of them.
EXECUTIVE_EXPORTS = 30
DEMO_EMAILS = (
    "practitioner@example.org",
    "facilitator@example.org",
    "executive@example.org",
    "stella.statewide@example.org",
)
# A word in about a third of the titles and one in about one issue in two thousand, for
# the benchmark's searches.
COMMON_WORD = "families"
RARE_WORD = "hydrotherapy"
RARE_EVERY = 2_000

PRACTICE_AREAS = [
    "Youth justice",
    "Education engagement",
    "Early childhood",
    "Out-of-home care",
    "Kinship care",
    "Leaving care",
    "Homelessness",
    "Gambling harm",
    "Perinatal health",
    "Refugee and migrant families",
    "Sexual harm",
    "Parenting support",
    "Financial counselling",
    "Legal assistance",
    "Disability advocacy",
    "Carer support",
]
GIVEN = [
    "Alinta",
    "Amir",
    "Anh",
    "Beau",
    "Chloe",
    "Daniel",
    "Ella",
    "Hamish",
    "Isla",
    "Jarrah",
    "Kai",
    "Leila",
    "Mei",
    "Noah",
    "Ruby",
]
FAMILY = [
    "Nguyen",
    "Smith",
    "Wilson",
    "Singh",
    "Brown",
    "Taylor",
    "Kelly",
    "Jones",
    "Walker",
    "Martin",
    "Lee",
    "Murray",
]
JOBS = ["Case worker", "Team leader", "Practice lead", "Family support worker", "Manager"]
SUBJECTS = [
    "Referrals for families",
    "Intake for young people",
    "Court reports",
    "Case plans",
    "Safety plans for families",
    "Housing support",
    "School attendance plans",
    "Respite for carers",
    "Interpreter bookings",
    "Transport to contact",
    "Assessments for families",
    "After-hours crisis calls",
]
PROBLEMS = [
    "are delayed for weeks",
    "are lost between agencies",
    "miss rural communities",
    "are refused without a reason",
    "differ between regions",
    "stop when a family moves",
    "are not shared with schools",
    "close over the holidays",
]
DESCRIPTIONS = [
    "Practitioners across the region see this every month and families wait for answers.",
    "Partner agencies follow different steps, so the same family is asked the same questions.",
    "Workers spend days chasing the right contact while the situation at home gets worse.",
    "Remote services report the gap most often, but metropolitan teams see it as well.",
]
COMMENTS = [
    "We see the same in our team.",
    "Our service started a workaround that might help others.",
    "This has got worse since the last funding round.",
    "Could the State-wide Forum look at the pattern across regions?",
]


class LoadAlreadyPresent(Exception):
    """The database already holds generated load data."""


def load_present() -> bool:
    return User.objects.filter(email__endswith=f"@{LOAD_EMAIL_DOMAIN}").exists()


def scaled(name: str, scale: float, *, least: int = 1) -> int:
    return max(least, round(AT_SCALE_1[name] * scale))


# --- Writing rows -------------------------------------------------------------------


class Writer:
    """Writes rows given as tuples of attribute values, with explicit ids where the rows
    are referred to. COPY on PostgreSQL; elsewhere executemany with Django's own value
    conversion. Ids are handed out above the table's highest, and sequences follow."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.next_ids: dict[type[Model], int] = {}
        self.written: Counter[str] = Counter()

    def ids(self, model: type[Model], count: int) -> range:
        if model not in self.next_ids:
            self.next_ids[model] = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        start = self.next_ids[model]
        self.next_ids[model] = start + count
        return range(start, start + count)

    def write(self, model: type[Model], attnames: list[str], rows: Iterable[tuple]) -> int:
        fields = [model._meta.get_field(name) for name in attnames]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        count = 0
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                if "id" in attnames:
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608 - names from the models
                        f"(SELECT MAX(id) FROM {table}))",
                        [model._meta.db_table],
                    )
            else:
                marks = ", ".join(["%s"] * len(fields))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - names from the models
                batch: list[list] = []
                for row in rows:
                    batch.append(
                        [
                            f.get_db_prep_value(v, connection)
                            for f, v in zip(fields, row, strict=True)
                        ]
                    )
                    if len(batch) == 2_000:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        self.written[model._meta.db_table] += count
        return count


# --- The stories --------------------------------------------------------------------


@dataclass
class Schedule:
    """A forum's published and held meetings, by start."""

    starts: list[dt.datetime] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    def next_after(self, moment: dt.datetime) -> tuple[int, dt.datetime] | None:
        i = bisect.bisect_right(self.starts, moment)
        if i == len(self.starts):
            return None
        return self.ids[i], self.starts[i]


@dataclass
class Story:
    issue_id: int
    raised_at: dt.datetime
    status: str = IssueStatus.QUEUED
    current_forum: int | None = None
    closed_at: dt.datetime | None = None
    last_at: dt.datetime | None = None
    events: list[tuple] = field(default_factory=list)


class Generator:
    def __init__(self, scale: float, seed: int, *, out: Callable[[str], None] = print) -> None:
        self.scale = scale
        self.rng = random.Random(seed)  # noqa: S311 - invented data, not secrets
        self.out = out
        self.now = timezone.now()
        self.start = self.now - HISTORY
        self.w = Writer()

    # The numbers, once, so the report and the tests read the same.
    def n(self, name: str, least: int = 1) -> int:
        return scaled(name, self.scale, least=least)

    def run(self) -> Counter[str]:
        if load_present():
            raise LoadAlreadyPresent(
                "This database already holds generated load data (members at "
                f"@{LOAD_EMAIL_DOMAIN}); generate into a fresh database instead."
            )
        self.reference_data()
        self.members()
        self.meetings()
        self.issues()
        self.notifications()
        self.exports()
        # What the services keep as meetings change: their stored search vectors.
        rebuild_meeting_search()
        return self.w.written

    def some(self, mean: float) -> int:
        """A count with this mean: most issues get few, some get many."""
        return round(self.rng.expovariate(1 / mean)) if mean > 0 else 0

    def between(self, low: dt.datetime, high: dt.datetime) -> dt.datetime:
        return low + (high - low) * self.rng.random()

    # --- Regions, forums, practice areas, organisations -----------------------------

    def reference_data(self) -> None:
        regional = list(Forum.objects.filter(tier=Tier.REGIONAL).order_by("pk"))
        new = max(1, self.n("cfsns") - len(regional))
        top = Region.objects.count()
        regions = Region.objects.bulk_create(
            Region(name=f"District {top + i:03d}", slug=f"district-{top + i:03d}")
            for i in range(1, new + 1)
        )
        Forum.objects.bulk_create(
            Forum(
                name=f"{region.name} CFSN",
                slug=f"{region.slug}-cfsn",
                tier=Tier.REGIONAL,
                region=region,
                purpose=f"The {region.name} Child and Family Safety Network.",
            )
            for region in regions
        )
        self.w.written[Region._meta.db_table] += len(regions)
        self.w.written[Forum._meta.db_table] += len(regions)
        names = [*PRACTICE_AREAS]
        wanted = self.n("practice_areas", least=2)
        names += [f"Practice area {i:02d}" for i in range(len(names) + 1, wanted + 1)]
        existing = set(PracticeArea.objects.values_list("name", flat=True))
        areas = PracticeArea.objects.bulk_create(
            PracticeArea(name=name, slug=slugify(name))
            for name in names[:wanted]
            if name not in existing
        )
        self.w.written[PracticeArea._meta.db_table] += len(areas)
        sectors = list(Sector)
        orgs = Organisation.objects.bulk_create(
            Organisation(name=f"Community Service {i:02d}", sector=sectors[i % len(sectors)])
            for i in range(1, self.n("organisations") + 1)
        )
        self.w.written[Organisation._meta.db_table] += len(orgs)
        self.forums = list(Forum.objects.order_by("pk"))
        self.cfsns = [f for f in self.forums if f.tier == Tier.REGIONAL]
        self.statewide = next(f for f in self.forums if f.tier == Tier.STATEWIDE)
        self.strategic = next(f for f in self.forums if f.tier == Tier.STRATEGIC)
        self.cfsn_of_region = {f.region_id: f for f in self.cfsns}
        self.area_ids = list(PracticeArea.objects.values_list("pk", flat=True))
        self.org_ids = list(Organisation.objects.values_list("pk", flat=True))

    # --- Members and memberships ----------------------------------------------------

    def members(self) -> None:
        rng = self.rng
        count = self.n("members", least=3)
        ids = self.w.ids(User, count)
        region_ids = list(self.cfsn_of_region)
        # New districts first, so each new CFSN has members to run it.
        new_regions = [f.region_id for f in self.cfsns if f.region.slug.startswith("district-")]
        password = "!" + secrets.token_hex(20)  # no password: nobody signs in as these
        users = []
        for i, pk in enumerate(ids):
            region = new_regions[i] if i < len(new_regions) else rng.choice(region_ids)
            joined = self.start - dt.timedelta(days=rng.randint(1, 400))
            email = BUSY_MEMBER_EMAIL if i == 0 else f"member{i:05d}@{LOAD_EMAIL_DOMAIN}"
            name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            users.append((pk, email, password, name, rng.choice(JOBS), region, joined))
        self.w.write(
            User,
            [
                "id",
                "email",
                "password",
                "display_name",
                "job_title",
                "region_id",
                "date_joined",
                "organisation_id",
                "is_active",
                "is_staff",
                "is_superuser",
            ],
            ((*u, rng.choice(self.org_ids), True, False, False) for u in users),
        )
        self.w.write(
            User.practice_areas.through,
            ["user_id", "practicearea_id"],
            (
                (u[0], area)
                for u in users
                for area in rng.sample(self.area_ids, rng.randint(1, min(3, len(self.area_ids))))
            ),
        )
        self.user_ids = [u[0] for u in users]
        self.region_of = {u[0]: u[5] for u in users}
        self.name_of = {u[0]: u[3] for u in users}
        self.busy_id = users[0][0]
        demo = User.objects.filter(email__endswith="@example.org").values_list(
            "pk", "email", "region_id", "display_name"
        )
        self.demo_ids = {email: pk for pk, email, _, _ in demo}
        for pk, _, region, name in demo:
            self.region_of[pk] = region
            self.name_of[pk] = name
        # Demo members raise some too, so their own lists and notifications fill up.
        self.raisers = [
            pk
            for email, pk in self.demo_ids.items()
            if email not in ("admin@example.org", "executive@example.org", "grace.gov@example.org")
            and self.region_of[pk] in self.cfsn_of_region
        ]

        taken = set(Membership.objects.values_list("user_id", "forum_id"))
        rows = []

        def join(user: int, forum: Forum, role: str, at: dt.datetime) -> None:
            if (user, forum.pk) not in taken:
                taken.add((user, forum.pk))
                rows.append((user, forum.pk, role, at))

        facilitators: Counter[int] = Counter()
        for pk, *_, region, joined in users:
            cfsn = self.cfsn_of_region[region]
            new = cfsn.region.slug.startswith("district-")
            role = MembershipRole.MEMBER
            if new and facilitators[cfsn.pk] < 2 and pk != self.busy_id:
                role = MembershipRole.FACILITATOR
                facilitators[cfsn.pk] += 1
            join(pk, cfsn, role, joined)
            if rng.random() < 0.1:
                join(pk, self.statewide, MembershipRole.MEMBER, joined)
            if rng.random() < 0.004:
                join(pk, self.strategic, MembershipRole.OBSERVER, joined)
        # The member of every forum: their calendar feed carries every meeting.
        for forum in self.forums:
            join(self.busy_id, forum, MembershipRole.MEMBER, users[0][6])
        self.w.write(Membership, ["user_id", "forum_id", "role", "joined_at"], rows)
        CalendarFeed.objects.create(user_id=self.busy_id, token=secrets.token_urlsafe(32))
        self.w.written[CalendarFeed._meta.db_table] += 1

    # --- Meetings ---------------------------------------------------------------------

    def meetings(self) -> None:
        rng = self.rng
        end_of_plan = self.now + AHEAD
        existing: dict[int, list[tuple[int, dt.datetime, str]]] = {}
        for pk, forum_id, start, status in Meeting.objects.values_list(
            "pk", "forum_id", "start", "status"
        ):
            existing.setdefault(forum_id, []).append((pk, start, status))
        # Forums with meetings already (the demo's) get older ones, before their first.
        windows = {
            f.pk: (self.start, min((s for _, s, _ in existing.get(f.pk, [])), default=end_of_plan))
            for f in self.forums
        }
        total = sum((b - a).total_seconds() for a, b in windows.values())
        wanted = self.n("meetings", least=len(self.forums))
        rows = []
        for forum in self.forums:
            low, high = windows[forum.pk]
            share = max(1, round(wanted * (high - low).total_seconds() / total))
            step = (high - low) / share
            for k in range(share):
                day = timezone.localtime(low + step * k + step / 2).replace(
                    hour=10, minute=0, second=0, microsecond=0
                )
                start, end = day, day + dt.timedelta(hours=2)
                if start >= high or start <= self.start:
                    continue
                held = end < self.now
                published = start - dt.timedelta(days=rng.randint(20, 40))
                rows.append(
                    (
                        forum.pk,
                        start,
                        end,
                        MeetingStatus.COMPLETED if held else MeetingStatus.PUBLISHED,
                        published,
                        f"{forum.name} meeting",
                    )
                )
        rows.sort(key=lambda r: r[1])
        ids = self.w.ids(Meeting, len(rows))
        self.w.write(
            Meeting,
            [
                "id",
                "uid",
                "forum_id",
                "title",
                "start",
                "end",
                "place",
                "online_link",
                "status",
                "sequence",
                "published_at",
                "agenda_published_at",
                "minutes_published_at",
                "matters_arising_removed",
                "created_at",
                "updated_at",
            ],
            (
                (
                    pk,
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    forum,
                    title,
                    start,
                    end,
                    "Community hall",
                    "",
                    status,
                    0,
                    published,
                    start - dt.timedelta(days=7)
                    if start - dt.timedelta(days=7) < self.now
                    else None,
                    end + dt.timedelta(minutes=30) if status == MeetingStatus.COMPLETED else None,
                    False,
                    published,
                    min(self.now, end + dt.timedelta(minutes=30)),
                )
                for pk, (forum, start, end, status, published, title) in zip(ids, rows, strict=True)
            ),
        )
        self.schedules: dict[int, Schedule] = {f.pk: Schedule() for f in self.forums}
        everything = [(fid, start, pk) for pk, (fid, start, *_) in zip(ids, rows, strict=True)]
        for fid, meetings in existing.items():
            everything += [
                (fid, start, pk)
                for pk, start, status in meetings
                if status in (MeetingStatus.PUBLISHED, MeetingStatus.COMPLETED)
            ]
        for fid, start, pk in sorted(everything, key=lambda m: m[1]):
            self.schedules[fid].starts.append(start)
            self.schedules[fid].ids.append(pk)
        self.meeting_start = {pk: start for fid, start, pk in everything}
        self.positions: Counter[int] = Counter(
            dict(AgendaItem.objects.values_list("meeting").annotate(top=Max("position")).order_by())
        )

    # --- Issues, stays, agenda items, endorsements, comments, events ---------------

    def issues(self) -> None:
        rng = self.rng
        count = self.n("issues", least=10)
        issue_ids = self.w.ids(PracticeIssue, count)
        self.issue_ids = issue_ids
        issues, areas, referrals, items, responses = [], [], [], [], []
        endorsements, watches, comments, events = [], [], [], []
        n_users = len(self.user_ids)
        # Drafts (about one in fifty) have neither.
        hot_endorsements = max(1, round(HOT_ISSUE_ENDORSEMENTS * self.scale))
        mean_endorsements = (self.n("endorsements") - hot_endorsements) / (count * 0.98)
        hot_comments = max(5, round(HOT_ISSUE_COMMENTS * self.scale))
        mean_comments = max(0, self.n("comments") - hot_comments) / (count * 0.98)
        item_ids = iter(self.w.ids(AgendaItem, count * 4))
        response_ids = iter(self.w.ids(Response, count))
        executives = [self.demo_ids.get(e) for e in DEMO_EMAILS[2:3]] or [self.user_ids[0]]

        for n, pk in enumerate(issue_ids):
            hot = n == 0
            raiser = (
                rng.choice(self.raisers)
                if self.raisers and rng.random() < 0.03
                else rng.choice(self.user_ids[1:] or self.user_ids)
            )
            origin = self.cfsn_of_region[self.region_of[raiser]]
            raised = self.between(self.start, self.now - dt.timedelta(hours=1))
            if hot:
                raised = self.now - dt.timedelta(days=200)
            words = f"{rng.choice(SUBJECTS)} {rng.choice(PROBLEMS)}"
            if rng.randrange(RARE_EVERY) == 0 or n == 1:
                words += f" despite {RARE_WORD}"
            title = words[:1].upper() + words[1:]
            restricted = not hot and rng.random() < 0.05
            story = Story(issue_id=pk, raised_at=raised, current_forum=origin.pk)
            draft = not hot and rng.random() < 0.02
            for area in rng.sample(self.area_ids, rng.randint(1, min(3, len(self.area_ids)))):
                areas.append((pk, area))
            watches.append((pk, raiser, raised))
            if draft:
                story.status = IssueStatus.DRAFT
                story.current_forum = None
                story.last_at = raised
                story.events.append(
                    (raised, raiser, EventKind.DRAFTED, "", IssueStatus.DRAFT, None, None, "")
                )
            else:
                story.events.append(
                    (
                        raised,
                        raiser,
                        EventKind.RAISED,
                        IssueStatus.DRAFT,
                        IssueStatus.QUEUED,
                        origin.pk,
                        None,
                        "",
                    )
                )
                self.walk(
                    story,
                    origin,
                    title,
                    restricted,
                    referrals,
                    items,
                    responses,
                    executives,
                    item_ids,
                    response_ids,
                    hot,
                )
                # Endorsements and comments come after it was raised, within a few months.
                until = min(self.now, raised + dt.timedelta(days=150))
                k = min(n_users - 1, hot_endorsements if hot else self.some(mean_endorsements))
                endorsers = [
                    u for u in rng.sample(self.user_ids, min(n_users, k + 1)) if u != raiser
                ][:k]
                regions = set()
                for user in endorsers:
                    at = self.between(raised, until)
                    endorsements.append((pk, user, at))
                    watches.append((pk, user, at))
                    regions.add(self.region_of[user])
                    story.events.append(
                        (at, user, EventKind.ENDORSED, "", "", None, None, self.name_of[user])
                    )
                c = hot_comments if hot else min(hot_comments - 1, self.some(mean_comments))
                for _ in range(c):
                    at = self.between(raised, until)
                    author = rng.choice(self.user_ids)
                    comments.append((pk, author, rng.choice(COMMENTS), at))
                    story.events.append((at, author, EventKind.COMMENTED, "", "", None, None, ""))
                story.endorsements, story.regions, story.comments = len(endorsers), len(regions), c
            story.events.sort(key=lambda e: e[0])
            events += [(pk, *e) for e in story.events]
            last = max(story.events[-1][0], story.last_at or raised)
            issues.append(
                (
                    pk,
                    title,
                    f"{title}. {rng.choice(DESCRIPTIONS)} {rng.choice(DESCRIPTIONS)}",
                    origin.pk,
                    story.current_forum,
                    story.status,
                    restricted,
                    raiser,
                    raised,
                    None if draft else raised,
                    last,
                    story.closed_at,
                    getattr(story, "endorsements", 0),
                    getattr(story, "regions", 0),
                    getattr(story, "comments", 0),
                )
            )

        w = self.w
        w.write(
            PracticeIssue,
            [
                "id",
                "title",
                "description",
                "origin_forum_id",
                "current_forum_id",
                "status",
                "restricted",
                "raised_by_id",
                "created_at",
                "submitted_at",
                "updated_at",
                "closed_at",
                "endorsement_count",
                "region_count",
                "comment_count",
            ],
            issues,
        )
        w.write(
            PracticeIssue.practice_areas.through, ["practiceissue_id", "practicearea_id"], areas
        )
        w.write(
            AgendaItem,
            [
                "id",
                "meeting_id",
                "position",
                "title",
                "kind",
                "description",
                "minutes_allotted",
                "presenter",
                "notes",
            ],
            items,
        )
        w.write(
            Response,
            [
                "id",
                "issue_id",
                "decision",
                "owner_id",
                "due_date",
                "review_date",
                "scope",
                "delivery_status",
                "delivered_at",
                "recorded_by_id",
                "created_at",
            ],
            responses,
        )
        w.write(
            Referral,
            [
                "issue_id",
                "forum_id",
                "purpose",
                "auto_place",
                "agenda_item_id",
                "summary",
                "rationale",
                "entered_at",
                "outcome",
                "outcome_note",
                "outcome_by_id",
                "out_of_session",
                "out_of_session_reason",
                "left_at",
            ],
            referrals,
        )
        w.write(Endorsement, ["issue_id", "user_id", "created_at"], endorsements)
        # One watch per person and issue, however they came to watch it.
        seen: set[tuple[int, int]] = set()
        w.write(
            Watch,
            ["issue_id", "user_id", "created_at"],
            (x for x in watches if (x[0], x[1]) not in seen and not seen.add((x[0], x[1]))),
        )
        w.write(Comment, ["issue_id", "author_id", "body", "created_at"], comments)
        w.write(
            IssueEvent,
            [
                "issue_id",
                "created_at",
                "actor_id",
                "kind",
                "from_status",
                "to_status",
                "forum_id",
                "agenda_item_id",
                "note",
                "out_of_session",
            ],
            ((*e, False) for e in events),
        )

    def walk(
        self,
        story,
        origin,
        title,
        restricted,
        referrals,
        items,
        responses,
        executives,
        item_ids,
        response_ids,
        hot,
    ) -> None:
        """The issue's path through the tiers, each step at its moment, stopping before
        the first step that would come after now."""
        rng = self.rng
        runner = self.user_ids[0]
        shown = f"Restricted practice issue PI-{story.issue_id:05d}" if restricted else title
        forum, purpose, auto = origin, ReferralPurpose.CONSIDER, False
        entered = story.raised_at
        status = IssueStatus.QUEUED

        def event(at, kind, to, forum_id, item=None, note=""):
            nonlocal status
            story.events.append((at, runner, kind, status, to, forum_id, item, note))
            status = to
            story.last_at = at

        def stay(*, item, outcome="", note="", left=None):
            referrals.append(
                (
                    story.issue_id,
                    forum.pk,
                    purpose,
                    auto,
                    item,
                    "",
                    "",
                    entered,
                    outcome,
                    note,
                    runner if outcome else None,
                    False,
                    "",
                    left,
                )
            )

        while True:
            # Triage (a facilitator's choice at a CFSN) or the next open meeting (escalations
            # and responses place themselves).
            placed_at = entered + dt.timedelta(
                days=rng.randint(1, 12) if not auto else 0, minutes=5
            )
            if not auto and placed_at < self.now and not hot:
                fate = rng.random()
                if fate < 0.03:
                    event(
                        placed_at,
                        EventKind.INFO_REQUESTED,
                        IssueStatus.INFO_REQUESTED,
                        forum.pk,
                        note="Which services, and how often?",
                    )
                    stay(item=None)
                    break
                if fate < 0.06:
                    event(
                        placed_at,
                        EventKind.DECLINED,
                        IssueStatus.DECLINED,
                        forum.pk,
                        note="Not a practice matter.",
                    )
                    stay(
                        item=None,
                        outcome=Outcome.DECLINED,
                        note="Not a practice matter.",
                        left=placed_at,
                    )
                    story.closed_at = placed_at
                    break
            if auto and rng.random() < 0.4:
                # No room on the next agenda: it waits for the forum to place it.
                placed_at = entered + dt.timedelta(days=rng.randint(2, 40))
            if hot and forum.tier == Tier.STATEWIDE:
                # Waiting in the State-wide Forum's queue, where facilitators open it.
                stay(item=None)
                break
            nxt = self.schedules[forum.pk].next_after(placed_at) if placed_at < self.now else None
            if nxt is None:
                stay(item=None)
                break
            meeting, start = nxt
            item = next(item_ids)
            self.positions[meeting] += 1
            reflect = purpose == ReferralPurpose.REFLECT
            decided = start + dt.timedelta(minutes=rng.randint(5, 110))
            held = decided < self.now
            if reflect:
                outcome, label = Outcome.DISCUSSED, "Response discussed"
            elif forum.tier == Tier.STRATEGIC:
                outcome, label = Outcome.RESPONDED, "Response recorded"
            elif hot or rng.random() < (0.45 if forum.tier == Tier.REGIONAL else 0.5):
                outcome, label = Outcome.ESCALATED, "Escalated to the next tier"
            else:
                outcome, label = Outcome.RESOLVED, "Resolved at this tier"
            items.append(
                (
                    item,
                    meeting,
                    self.positions[meeting],
                    ("Response for reflection: " if reflect else "") + shown,
                    AgendaItemKind.RESPONSE if reflect else AgendaItemKind.PRACTICE_ISSUE,
                    "",
                    15,
                    "",
                    label if held else "",
                )
            )
            if status != IssueStatus.ON_AGENDA and not reflect:
                event(placed_at, EventKind.PLACED, IssueStatus.ON_AGENDA, forum.pk, item)
            if not held:
                stay(item=item)
                break
            stay(item=item, outcome=outcome, note=label, left=decided)
            if outcome == Outcome.RESOLVED:
                event(decided, EventKind.RESOLVED, IssueStatus.RESOLVED, forum.pk, item, label)
                story.closed_at = decided
                break
            if outcome == Outcome.DISCUSSED:
                event(decided, EventKind.CLOSED, IssueStatus.CLOSED, forum.pk, item, label)
                story.closed_at = decided
                break
            if outcome == Outcome.RESPONDED:
                owner = rng.choice(executives)
                due = timezone.localdate(decided) + dt.timedelta(days=90)
                delivered = due < timezone.localdate(self.now) and rng.random() < 0.6
                responses.append(
                    (
                        next(response_ids),
                        story.issue_id,
                        "Agencies will align their practice.",
                        owner,
                        due,
                        due - dt.timedelta(days=45),
                        ResponseScope.ORIGIN,
                        DeliveryStatus.DELIVERED if delivered else DeliveryStatus.PLANNED,
                        decided + dt.timedelta(days=80) if delivered else None,
                        runner,
                        decided,
                    )
                )
                event(
                    decided,
                    EventKind.RESPONDED,
                    IssueStatus.RESPONDED,
                    self.strategic.pk,
                    item,
                    "Response recorded",
                )
                forum, purpose, auto, entered = origin, ReferralPurpose.REFLECT, True, decided
                continue
            onward = self.statewide if forum.tier == Tier.REGIONAL else self.strategic
            event(decided, EventKind.ESCALATED, IssueStatus.QUEUED, onward.pk, item, label)
            forum, auto, entered = onward, True, decided
        story.status = status
        story.current_forum = origin.pk if purpose == ReferralPurpose.REFLECT else forum.pk

    # --- Notifications ----------------------------------------------------------------

    def notifications(self) -> None:
        rng = self.rng
        demo = [pk for email, pk in self.demo_ids.items() if email in DEMO_EMAILS]
        fortnight = self.now - dt.timedelta(days=14)

        def rows():
            for _ in range(self.n("notifications")):
                user = (
                    rng.choice(demo) if demo and rng.random() < 0.05 else rng.choice(self.user_ids)
                )
                at = self.between(self.start, self.now)
                issue = rng.choice(self.issue_ids)
                yield (
                    user,
                    f"New comment on PI-{issue:05d}",
                    "A member commented on an issue you watch.",
                    f"/issues/{issue}/",
                    at,
                    at + dt.timedelta(hours=rng.randint(1, 48)) if at < fortnight else None,
                    at,
                    1,
                    None,
                    "",
                )

        self.w.write(
            Notification,
            [
                "recipient_id",
                "subject",
                "body",
                "url",
                "created_at",
                "read_at",
                "sent_at",
                "attempts",
                "next_attempt_at",
                "last_error",
            ],
            rows(),
        )

    # --- Downloads ----------------------------------------------------------------------

    def exports(self) -> None:
        """Registers people asked for within the retention period, most of them prepared; the
        demo executive's own list runs past a page. Every prepared one is the same small
        register, written once to the exports storage, so each can be downloaded."""
        rng = self.rng
        # Named, not imported: insights is built on this app.
        export = apps.get_model("insights", "Export")
        storage = export._meta.get_field("file").storage
        name = storage.save(
            f"exports/{uuid.uuid4().hex}/issues-register.csv",
            ContentFile(b"Reference,Title\r\nPI-00001,Load data\r\n"),
        )
        size = storage.size(name)
        executive = self.demo_ids.get("executive@example.org")
        owners = [executive] * EXECUTIVE_EXPORTS if executive else []
        owners += [rng.choice(self.user_ids) for _ in range(self.n("exports"))]
        kept = dt.timedelta(days=settings.EXPORT_RETENTION_DAYS)
        problem = "Something went wrong while preparing it. Ask for it again."

        def rows():
            for owner in owners:
                asked = self.between(self.now - kept * 0.9, self.now - dt.timedelta(minutes=5))
                end = timezone.localdate(asked)
                start = end - dt.timedelta(days=182)
                ready = rng.random() < 0.9
                yield (
                    owner,
                    "issues",
                    "csv",
                    f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}",
                    f"Issues register, {start:%-d %B %Y} to {end:%-d %B %Y}",
                    "",
                    False,
                    f"issues-register-{start:%Y%m%d}-{end:%Y%m%d}.csv",
                    "ready" if ready else "failed",
                    name if ready else "",
                    size if ready else None,
                    "" if ready else problem,
                    1,
                    asked,
                    asked,
                    asked,
                    asked + dt.timedelta(seconds=rng.randint(2, 60)),
                )

        self.w.write(
            export,
            [
                "requested_by_id",
                "kind",
                "file_format",
                "query",
                "title",
                "filters_text",
                "attaching",
                "filename",
                "status",
                "file",
                "size",
                "problem",
                "attempts",
                "created_at",
                "queued_at",
                "started_at",
                "finished_at",
            ],
            rows(),
        )


def analyze() -> None:
    """Fresh planner statistics (and visibility maps) for the tables just filled."""
    # VACUUM cannot run inside a transaction (a test's, for one); ANALYZE alone can.
    if connection.vendor != "postgresql":
        return
    vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    tables = [
        m._meta.db_table
        for m in (
            User,
            Membership,
            Meeting,
            AgendaItem,
            PracticeIssue,
            PracticeIssue.practice_areas.through,
            User.practice_areas.through,
            Referral,
            Endorsement,
            Watch,
            Comment,
            IssueEvent,
            Response,
            Notification,
            apps.get_model("insights", "Export"),
        )
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{vacuum} {connection.ops.quote_name(table)}")


def generate(scale: float, seed: int = 1, *, out: Callable[[str], None] = print) -> Counter[str]:
    """Write the data set; the caller holds one transaction around it."""
    return Generator(scale, seed, out=out).run()
