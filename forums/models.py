import datetime as dt
import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import AppendOnlyModel, PracticeArea, Region

from .choices import (
    OPEN_ACTION_STATUSES,
    TAKES_OUTCOMES,
    ActionStatus,
    AgendaItemKind,
    ForumEventKind,
    MeetingKind,
    MeetingStatus,
    MembershipRole,
    RegistrationStatus,
    ResourceKind,
    RsvpResponse,
    Tier,
)
from .files import resource_upload_to


class Forum(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    tier = models.CharField(max_length=20, choices=Tier.choices)
    region = models.OneToOneField(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="cfsn"
    )
    purpose = models.TextField(blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="forums"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(tier=Tier.REGIONAL) & Q(region__isnull=False))
                | (~Q(tier=Tier.REGIONAL) & Q(region__isnull=True)),
                name="forum_region_only_for_regional",
            ),
            models.UniqueConstraint(
                fields=["tier"],
                condition=~Q(tier=Tier.REGIONAL),
                name="forum_one_statewide_and_one_strategic",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forums:forum-detail", kwargs={"slug": self.slug})


class ForumAgendaDefault(models.Model):
    """A forum's own length for agenda items of one kind; kinds it does not set take
    DEFAULT_MINUTES."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="agenda_defaults")
    kind = models.CharField(max_length=20, choices=AgendaItemKind.choices)
    minutes = models.PositiveIntegerField()

    class Meta:
        ordering = ["forum", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "kind"], name="agenda_default_once_per_kind"),
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=600),
                name="agenda_default_minutes_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.forum}: {self.get_kind_display()}, {self.minutes} minutes"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["forum", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "forum"], name="membership_once_per_forum")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.forum})"


class MeetingSeries(models.Model):
    """Meetings scheduled together by one repeat rule; edited or cancelled as a group."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="series")
    rule = models.TextField(help_text=_("RFC 5545 recurrence rule"))
    description = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return self.description or f"Series of {self.forum}"


def seen_by_members(path: str = "") -> Q:
    """Published, held, or cancelled after members had seen it; never a draft, and never a
    draft that was cancelled before anyone saw it. Of a meeting, or, given the `path` from
    another model to its meeting ("meeting"), of that model's rows' meetings."""
    to = f"{path}__" if path else ""
    return ~Q(**{f"{to}status": MeetingStatus.DRAFT}) & ~Q(
        **{f"{to}status": MeetingStatus.CANCELLED, f"{to}published_at__isnull": True}
    )


SEEN_BY_MEMBERS = seen_by_members()


# A meeting starts and ends on the same day (the services that schedule and move meetings
# refuse any other, moving a series keeps each meeting's length, and the admin cannot change
# its times), so it lasts less than the longest day there is: 25 hours, when the clocks go
# back. One not yet over started less than that ago, and saying so lets the indexes on start
# skip every meeting already held.
LONGEST_MEETING = dt.timedelta(hours=25)


class MeetingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status__in=[MeetingStatus.PUBLISHED, MeetingStatus.COMPLETED])

    def seen_by_members(self):
        return self.filter(SEEN_BY_MEMBERS)

    def upcoming(self):
        """Meetings not yet over, soonest first."""
        now = timezone.now()
        return self.filter(end__gte=now, start__gt=now - LONGEST_MEETING).order_by("start")

    def past(self):
        return self.filter(end__lt=timezone.now()).order_by("-start")

    def forum_meetings(self):
        """A forum's own meetings: the only ones that take issues, consultations and
        carried-over items, or follow up actions."""
        return self.filter(kind=MeetingKind.FORUM)

    def learning_sessions(self):
        return self.filter(kind=MeetingKind.LEARNING)

    def open_for_items(self):
        return self.forum_meetings().filter(
            status=MeetingStatus.PUBLISHED, start__gt=timezone.now()
        )

    def taking_outcomes(self):
        """Published or held meetings that have started: outcomes are recorded at these."""
        return self.filter(status__in=TAKES_OUTCOMES, start__lte=timezone.now())


# A meeting's stored search vectors: a State-wide agenda's runs to about 12 KB as text, and
# PostgreSQL writes each out as text for every row that selects it. Only search reads them,
# by name in its SQL, so meetings are loaded without them unless a query asks for them.
SEARCH_VECTOR_FIELDS = ("search_vector", "minutes_search_vector")


def meeting_vectors(path: str) -> tuple[str, ...]:
    """The search vectors of the meeting reached by `path` ("agenda_item__meeting"), for
    `defer()` where a query selects that meeting through a relation: a related meeting is
    loaded whole, whatever its manager leaves out."""
    return tuple(f"{path}__{name}" for name in SEARCH_VECTOR_FIELDS)


class MeetingManager(models.Manager.from_queryset(MeetingQuerySet)):
    def get_queryset(self) -> MeetingQuerySet:
        return super().get_queryset().defer(*SEARCH_VECTOR_FIELDS)


class Meeting(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # meeting_forum_start_idx leads with it, so it has no index of its own.
    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="meetings", db_index=False
    )
    series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    title = models.CharField(max_length=200)
    start = models.DateTimeField()
    end = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    online_link = models.URLField(max_length=500, blank=True)
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    sequence = models.PositiveIntegerField(
        default=0, help_text=_("Calendar revision: goes up on every change.")
    )
    published_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When members could first see the meeting.")
    )
    agenda_published_at = models.DateTimeField(null=True, blank=True)
    minutes_published_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    # Set when a facilitator takes "Matters arising" off the agenda: it is not added back.
    matters_arising_removed = models.BooleanField(default=False)
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=MeetingKind.choices,
        default=MeetingKind.FORUM,
        db_default=MeetingKind.FORUM,
    )
    # Learning sessions only: how many may register before the waiting list starts.
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    materials = models.ManyToManyField(
        "practice.GuidanceItem", blank=True, related_name="sessions", verbose_name=_("materials")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The title and published agenda (weight A: title, B: item titles, C: item descriptions),
    # and the published minutes and decisions, as PostgreSQL's english text search sees them;
    # written by the services that publish them, GIN-indexed; empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    minutes_search_vector = SearchVectorField(null=True, editable=False)

    objects = MeetingManager()

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["forum", "status", "start"]),
            # A forum's meetings by time, whatever their status: feeds and the forum page.
            models.Index(fields=["forum", "start"], name="meeting_forum_start_idx"),
            # Learning sessions to come, soonest first.
            models.Index(fields=["kind", "start"], name="meeting_kind_start_idx"),
            # The newest meetings first: those portal search ranks for a common word.
            models.Index(fields=["-start", "-id"], name="meeting_newest_first_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="meeting_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.start):%d %b %Y})"

    def get_absolute_url(self) -> str:
        return reverse("forums:meeting-detail", kwargs={"pk": self.pk})

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def is_seen_by_members(self) -> bool:
        if self.status == MeetingStatus.DRAFT:
            return False
        return self.status != MeetingStatus.CANCELLED or self.published_at is not None

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.end < timezone.now()

    @property
    def has_started(self) -> bool:
        return self.start <= timezone.now()

    @property
    def is_learning_session(self) -> bool:
        return self.kind == MeetingKind.LEARNING

    @property
    def agenda_is_out(self) -> bool:
        """Whether those who see the meeting read its agenda: once published, and always for
        a learning session, whose agenda is what it covers."""
        return self.agenda_published_at is not None or self.is_learning_session

    @property
    def takes_outcomes(self) -> bool:
        """Published or held, and started: what it decided may now be recorded."""
        return self.status in TAKES_OUTCOMES and self.has_started


class Registration(models.Model):
    """One member's place (or place in the queue) at a learning session."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(max_length=20, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the member took the place they hold now: the waiting list is served in this order.
    status_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["status_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], name="registration_once_per_member"
            ),
        ]
        indexes = [
            models.Index(
                fields=["meeting", "status", "status_at", "id"], name="registration_queue_idx"
            ),
            models.Index(fields=["user", "status"], name="registration_member_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.meeting}: {self.get_status_display()}"


class AgendaItem(models.Model):
    # agendaitem_meeting_order_idx leads with it, so it has no index of its own.
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", db_index=False
    )
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=20, choices=AgendaItemKind.choices, default=AgendaItemKind.OTHER
    )
    description = models.TextField(blank=True)
    minutes_allotted = models.PositiveIntegerField(default=10)
    presenter = models.CharField(max_length=200, blank=True)
    notes = models.TextField("minutes", blank=True)
    carried_over_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    # "Matters arising": the earlier meeting whose open actions this item lists, read live.
    matters_from = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="arising_in"
    )

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            # A meeting's agenda in order, and the items of a forum's coming meetings, read
            # from the index alone.
            models.Index(fields=["meeting", "position", "id"], name="agendaitem_meeting_order_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Rsvp(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps"
    )
    response = models.CharField(max_length=20, choices=RsvpResponse.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="rsvp_once_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_response_display()}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.user} attended {self.meeting}"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    text = models.TextField()
    # The text as the minutes were last published (empty: not published yet), which those
    # who do not keep the minutes read; `text` is the draft once the minutes change.
    published_text = models.TextField(blank=True, default="", db_default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class ActionItem(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="actions"
    )
    due_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # An action that carries out a decision reported on elsewhere (a Strategic response,
    # whose owner posts progress on the practice issue) takes its status from there only.
    follows_progress = models.BooleanField(
        default=False,
        help_text=_("Its status follows the progress its owner reports on the practice issue."),
    )

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["owner", "status", "due_date"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()


class Resource(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="resources")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="resources"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=ResourceKind.choices)
    url = models.URLField(max_length=500, blank=True)
    file = models.FileField(upload_to=resource_upload_to, blank=True)
    practice_areas = models.ManyToManyField(PracticeArea, blank=True, related_name="resources")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=ResourceKind.LINK) & ~Q(url=""))
                | (Q(kind=ResourceKind.FILE) & ~Q(file="")),
                name="resource_has_link_or_file",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # A meeting's resources are its forum's, as the portal's form has them (add_resource).
        if self.meeting_id and self.forum_id and self.meeting.forum_id != self.forum_id:
            raise ValidationError({"meeting": _("That meeting belongs to another forum.")})

    @property
    def href(self) -> str:
        """Where the resource opens: its link, or the permission-checked download of its file."""
        if self.kind == ResourceKind.LINK:
            return self.url
        return reverse("forums:resource-download", kwargs={"pk": self.pk})


class CalendarFeed(models.Model):
    """A person's secret calendar subscription; a new token revokes the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class MeetingReminder(models.Model):
    """One reminder per meeting and person, however often the reminder task runs."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="reminder_once_per_person")
        ]

    def __str__(self) -> str:
        return f"Reminder of {self.meeting} to {self.user}"


class ForumEvent(AppendOnlyModel):
    """Append-only audit of every change made in a forum: who, when, what."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="events")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=ForumEventKind.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} in {self.forum}"


class MinutesRevision(models.Model):
    """The minutes of a meeting as one save left them: each item's notes and decisions.

    Readers see the newest published revision, so changes made after publishing stay a
    draft until the minutes are published again.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes_revisions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # {"items": [{"id", "number", "title", "notes", "decisions": [{"id", "text"}]}]}
    snapshot = models.JSONField()
    changes = models.TextField(blank=True, help_text=_("What changed since the revision before."))
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="minutes_revision_number_once_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"Minutes of {self.meeting}, revision {self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
