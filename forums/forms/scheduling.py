import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout
from django import forms
from django.contrib.humanize.templatetags.humanize import ordinal
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.fields import ModelChoiceField, SingleLineCharField
from members.models import Region
from members.validators import no_contact_details

from ..choices import MeetingStatus, Tier
from ..exceptions import ForumActionRefused, TimeDoesNotExist
from ..models import Forum, Meeting
from ..selectors.meetings import WHEN_PAST, WHEN_UPCOMING, clashes
from ..services import scheduling
from ..services.scheduling import Repeat

REPEAT_CHOICES = [
    (scheduling.NONE, _("Does not repeat")),
    (scheduling.WEEKLY, _("Every N weeks")),
    (scheduling.MONTHLY, _("Every N months, on the same day of the month")),
    (scheduling.MONTHLY_NTH, _("On the Nth weekday of the month (e.g. the 2nd Tuesday)")),
]
NTH_CHOICES = [(1, _("1st")), (2, _("2nd")), (3, _("3rd")), (4, _("4th")), (-1, _("Last"))]
WEEKDAY_CHOICES = list(
    enumerate(
        [
            _("Monday"),
            _("Tuesday"),
            _("Wednesday"),
            _("Thursday"),
            _("Friday"),
            _("Saturday"),
            _("Sunday"),
        ]
    )
)
NTH_INTERVAL_CHOICES = [(1, _("every month")), (2, _("every 2 months")), (3, _("every quarter"))]
SCOPE_ONE = "one"
SCOPE_FOLLOWING = "following"


class MeetingTimesForm(forms.Form):
    """Title, day, times and place of a meeting; checks clashes with the person's forums."""

    title = SingleLineCharField(label=_("Title"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("End time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = SingleLineCharField(
        label=_("Place"),
        max_length=300,
        required=False,
        help_text=_("Where people meet in person, if they do."),
    )
    online_link = forms.URLField(
        label=_("Online link"),
        assume_scheme="https",
        max_length=500,
        required=False,
        help_text=_("The video call link, if there is one."),
    )
    confirm_clash = forms.BooleanField(
        required=False,
        label=_("Schedule anyway, even though it overlaps the meetings listed above"),
    )

    def __init__(self, *args, forum: Forum, user, **kwargs):
        self.forum, self.user = forum, user
        self.clashing: list[Meeting] = []
        self.spans: list[tuple[dt.datetime, dt.datetime]] = []
        super().__init__(*args, **kwargs)
        self.fields["start_time"].help_text = gettext("In %(zone)s time.") % {
            "zone": timezone.get_current_timezone_name()
        }

    def repeat(self) -> Repeat:
        return Repeat()

    def clash_exclude(self) -> list[int]:
        return []

    def was(self) -> dt.datetime | None:
        """When the meeting starts now, if it exists: it may keep a start in the past."""
        return None

    def clash_spans(self) -> list[tuple[dt.datetime, dt.datetime]]:
        return self.spans

    def clean_title(self) -> str:
        """A title goes into members' emails and calendars: no client's contact details or
        date of birth. Names pass (a learning session names its presenter), and so does a
        title kept as it was."""
        title = self.cleaned_data["title"]
        if title != self.initial.get("title"):
            no_contact_details(title)
        return title

    def clean(self):
        data = super().clean()
        if not data.get("place") and not data.get("online_link") and "online_link" in data:
            self.add_error("place", gettext("Give a place, an online link, or both."))
        start_time, end_time = data.get("start_time"), data.get("end_time")
        if start_time and end_time and end_time <= start_time:
            self.add_error("end_time", gettext("The meeting must end after it starts."))
        if self.errors or not data.get("date"):
            return data
        try:
            self.spans = scheduling.occurrences(data["date"], start_time, end_time, self.repeat())
        except TimeDoesNotExist as refused:
            self.add_error(refused.field, str(refused))
            return data
        except ForumActionRefused as refused:
            self.add_error(self.repeat_error_field, str(refused))
            return data
        if self.spans and scheduling.starts_in_the_past(self.spans[0][0], was=self.was()):
            self.add_error("date", str(scheduling.PAST_START))
            return data
        try:
            spans = self.clash_spans()
        except TimeDoesNotExist as refused:
            # A later meeting of a series that moves lands in the hour the clocks skip.
            self.add_error(refused.field, str(refused))
            return data
        self.clashing = clashes(self.user, self.forum, spans, exclude=self.clash_exclude())
        if self.clashing and not data.get("confirm_clash"):
            self.add_error(
                "confirm_clash",
                gettext(
                    "This overlaps other meetings (listed above). Tick this box to go ahead anyway."
                ),
            )
        return data

    repeat_error_field = "date"


class MeetingScheduleForm(MeetingTimesForm):
    repeat_kind = forms.ChoiceField(label=_("Repeat"), choices=REPEAT_CHOICES, initial="none")
    interval = forms.IntegerField(
        label=_("Every how many weeks or months"),
        min_value=1,
        max_value=12,
        initial=1,
        required=False,
        help_text=_("For \u201cevery N weeks\u201d and \u201cevery N months\u201d."),
    )
    nth = forms.TypedChoiceField(
        label=_("Which weekday of the month"),
        choices=NTH_CHOICES,
        coerce=int,
        initial=2,
        required=False,
    )
    # Left empty, the weekday is None (not ""), so the default below applies: Monday is 0.
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        initial=1,
        required=False,
        empty_value=None,
    )
    nth_interval = forms.TypedChoiceField(
        label=_("How often (for the Nth weekday)"),
        choices=NTH_INTERVAL_CHOICES,
        coerce=int,
        initial=1,
        required=False,
    )
    until = forms.DateField(
        label=_("Repeat until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The last day of the series; or give a number of meetings below."),
    )
    count = forms.IntegerField(
        label=_("Or: number of meetings"),
        min_value=1,
        max_value=scheduling.MAX_OCCURRENCES,
        required=False,
    )
    publish = forms.TypedChoiceField(
        label=_("Visible to members"),
        choices=[
            ("0", _("Draft: only the forum's facilitators see it for now")),
            ("1", _("Published: members see it now")),
        ],
        coerce=lambda value: value == "1",
        initial="0",
        widget=forms.RadioSelect,
    )

    field_order = [
        "title",
        "date",
        "start_time",
        "end_time",
        "place",
        "online_link",
        "repeat_kind",
        "interval",
        "nth",
        "weekday",
        "nth_interval",
        "until",
        "count",
        "publish",
        "confirm_clash",
    ]
    repeat_error_field = "until"
    # Asked only of a repeating meeting: folded away until one is chosen.
    REPEAT_DETAILS = ("interval", "nth", "weekday", "nth_interval", "until", "count")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        before = self.field_order[: self.field_order.index("interval")]
        after = self.field_order[self.field_order.index("count") + 1 :]
        self.helper.layout = Layout(
            *before,
            HTML(
                '<details class="repeat-details mb-3" id="repeat-details"'
                "{% if form.repeat_details_open %} open{% endif %}>"
                "<summary>"
                + escape(gettext("How it repeats (only for a repeating meeting)"))
                + "</summary>"
                '<div class="pt-3">'
            ),
            *self.REPEAT_DETAILS,
            HTML("</div></details>"),
            *after,
        )

    @property
    def repeat_details_open(self) -> bool:
        """Open when the person chose a repeat, or when one of its fields needs a fix."""
        if not self.is_bound:
            return False
        chosen = self.data.get("repeat_kind", scheduling.NONE) != scheduling.NONE
        return chosen or any(name in self.errors for name in self.REPEAT_DETAILS)

    def repeat(self) -> Repeat:
        data = self.cleaned_data
        kind = data.get("repeat_kind") or scheduling.NONE
        if kind == scheduling.NONE:
            return Repeat()
        if kind == scheduling.MONTHLY_NTH:
            interval = data.get("nth_interval") or 1
        else:
            interval = data.get("interval") or 1
        return Repeat(
            kind=kind,
            interval=interval,
            nth=data.get("nth") or 2,
            weekday=data.get("weekday") if data.get("weekday") is not None else 1,
            until=data.get("until"),
            count=data.get("count"),
        )

    def clean(self):
        data = super().clean()
        until, date = data.get("until"), data.get("date")
        if until and date and until < date and "until" not in self.errors:
            self.add_error(
                "until", gettext("The series must end on or after the first meeting's date.")
            )
        kind = data.get("repeat_kind") or scheduling.NONE
        if kind != scheduling.NONE and until and data.get("count"):
            self.add_error("count", gettext("Give an end date or a number of meetings, not both."))
        if kind == scheduling.MONTHLY and date and date.day > 28:
            self.add_error(
                "repeat_kind",
                gettext(
                    "Not every month has a %(day)s day, so some meetings would be skipped. "
                    "Choose a date up to the 28th, or repeat on a weekday of the month "
                    "(for example the last Tuesday)."
                )
                % {"day": ordinal(date.day)},
            )
        return data

    def rule(self) -> str:
        repeat = self.repeat()
        if not repeat.repeats:
            return ""
        data = self.cleaned_data
        return scheduling.rule_text(scheduling.build_rule(data["date"], data["start_time"], repeat))


class MeetingEditForm(MeetingTimesForm):
    scope = forms.ChoiceField(
        label=_("Change"),
        choices=[
            (SCOPE_ONE, _("Only this meeting")),
            (SCOPE_FOLLOWING, _("This and the following meetings in the series")),
        ],
        initial=SCOPE_ONE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        self.meeting = meeting
        super().__init__(*args, forum=meeting.forum, user=kwargs.pop("user"), **kwargs)
        if not meeting.series_id:
            del self.fields["scope"]
        else:
            self.order_fields(["scope"])

    def was(self) -> dt.datetime | None:
        return self.meeting.start

    def clash_exclude(self) -> list[int]:
        if not self.following:
            return [self.meeting.pk]
        # The later meetings of the series move with this one, so they are not clashes.
        return list(
            Meeting.objects.filter(
                series_id=self.meeting.series_id, start__gte=self.meeting.start
            ).values_list("pk", flat=True)
        )

    def clash_spans(self) -> list[tuple[dt.datetime, dt.datetime]]:
        if not self.following:
            return self.spans
        # The later meetings of the series move too: check where each of them lands.
        later = list(
            Meeting.objects.filter(
                series_id=self.meeting.series_id,
                start__gte=self.meeting.start,
                status__in=[MeetingStatus.DRAFT, MeetingStatus.PUBLISHED],
            ).order_by("start")
        )
        start, end = self.spans[0]
        return [(s, e) for _meeting, s, e in scheduling.moved_spans(later, start, end)]

    @property
    def following(self) -> bool:
        return self.cleaned_data.get("scope") == SCOPE_FOLLOWING

    def start_end(self) -> tuple[dt.datetime, dt.datetime]:
        return self.spans[0]


class MeetingCancelForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Cancel"),
        choices=[
            (SCOPE_ONE, _("Only this meeting")),
            (SCOPE_FOLLOWING, _("This and the following meetings in the series")),
        ],
        initial=SCOPE_ONE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        if not meeting.series_id:
            self.fields["scope"].choices = self.fields["scope"].choices[:1]


class MeetingFilterForm(forms.Form):
    when = forms.ChoiceField(
        label=_("When"),
        choices=[(WHEN_UPCOMING, _("Upcoming")), (WHEN_PAST, _("Past"))],
        required=False,
    )
    tier = forms.ChoiceField(
        label=_("Tier"), choices=[("", _("All tiers")), *Tier.choices], required=False
    )
    forum = ModelChoiceField(
        label=_("Forum"),
        queryset=Forum.objects.order_by("name"),
        required=False,
        empty_label=_("All"),
    )
    region = ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label=_("All"),
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {"when": WHEN_UPCOMING}
        data = self.cleaned_data
        return {
            "when": data.get("when") or WHEN_UPCOMING,
            "tier": data.get("tier") or "",
            "forum": data.get("forum"),
            "region": data.get("region"),
        }


class CalendarFilterForm(MeetingFilterForm):
    """The month view's filters: no "when" (the month says when), plus "only my forums"."""

    mine = forms.BooleanField(label=_("Only my forums"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["when"]

    def filters(self) -> dict:
        if not self.is_valid():
            return {"mine": False}
        data = self.cleaned_data
        return {
            "mine": data.get("mine", False),
            "tier": data.get("tier") or "",
            "forum": data.get("forum"),
            "region": data.get("region"),
        }
