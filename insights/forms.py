import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forums.choices import Tier
from forums.models import Forum
from members.choices import Sector
from members.fields import ModelChoiceField
from members.models import PracticeArea, Region

from .choices import PAPER_KINDS, ExportFormat, ExportKind
from .selectors import EARLIEST_DAY, MAX_PERIOD_DAYS, InsightFilters, default_period, latest_day


class DateInput(forms.DateInput):
    input_type = "date"


def within_reach(day: dt.date | None) -> dt.date | None:
    """The day, if a period may start or end on it; refused with the bounds and why."""
    if day is None:
        return day
    if day < EARLIEST_DAY:
        raise ValidationError(
            gettext("Choose a day on or after %(earliest)s: the portal holds nothing older.")
            % {"earliest": f"{EARLIEST_DAY:%-d %B %Y}"},
            code="too_early",
        )
    latest = latest_day()
    if day > latest:
        raise ValidationError(
            gettext(
                "Choose a day on or before %(latest)s, a year from today: nothing is recorded "
                "ahead of time."
            )
            % {"latest": f"{latest:%-d %B %Y}"},
            code="too_late",
        )
    return day


class InsightFilterForm(forms.Form):
    """The filters of the loop-health page, its forum view, its CSVs, registers and report.

    Bound to request.GET (or None for the defaults): ``InsightFilterForm(request.GET,
    forum=forum)``, where ``forum`` fixes the forum of a forum's own view and drops the
    forum and tier fields. ``filters()`` returns the InsightFilters to pass to the
    selectors: the valid fields' values, and the defaults (the last 12 months, everything)
    for fields left empty or refused; refused fields keep their errors for the page."""

    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)
    forum = ModelChoiceField(
        required=False,
        queryset=Forum.objects.order_by("tier", "name"),
        empty_label=_("Any forum"),
        label=_("Forum passed through"),
    )
    tier = forms.ChoiceField(
        required=False, choices=[("", _("Any tier")), *Tier.choices], label=_("Tier passed through")
    )
    region = ModelChoiceField(
        required=False,
        queryset=Region.objects.order_by("name"),
        empty_label=_("Any region"),
        label=_("Region"),
    )
    practice_area = ModelChoiceField(
        required=False,
        queryset=PracticeArea.objects.order_by("name"),
        empty_label=_("Any practice area"),
        label=_("Practice area"),
    )
    sector = forms.ChoiceField(
        required=False, choices=[("", _("Any sector")), *Sector.choices], label=_("Sector")
    )

    def __init__(self, data=None, *, forum: Forum | None = None, **kwargs):
        super().__init__(data, **kwargs)
        self.fixed_forum = forum
        if forum is not None:
            del self.fields["forum"]
            del self.fields["tier"]
        start, end = default_period()
        self.fields["start"].widget.attrs["placeholder"] = start.isoformat()
        self.fields["end"].widget.attrs["placeholder"] = end.isoformat()
        for name in ("start", "end"):
            self.fields[name].widget.attrs.update(
                min=EARLIEST_DAY.isoformat(), max=latest_day().isoformat()
            )

    def clean_start(self) -> dt.date | None:
        return within_reach(self.cleaned_data["start"])

    def clean_end(self) -> dt.date | None:
        return within_reach(self.cleaned_data["end"])

    def clean(self):
        cleaned = super().clean()
        if self.has_error("start") or self.has_error("end"):
            # A refused day is not compared with the other: the period is read as the default.
            return cleaned
        start, end = cleaned.get("start"), cleaned.get("end")
        default_start, default_end = default_period()
        start, end = start or default_start, end or default_end
        if start > end:
            self.add_error("end", gettext("The period must end on or after the day it starts."))
        elif end - start > dt.timedelta(days=MAX_PERIOD_DAYS):
            self.add_error("start", gettext("Choose a period of five years or less."))
        return cleaned

    def filters(self) -> InsightFilters:
        """The filters to read with: valid values, and defaults for the rest."""
        values = {}
        if self.is_bound:
            self.is_valid()
            values = {
                name: value
                for name, value in self.cleaned_data.items()
                if name not in self.errors and value not in (None, "")
            }
        if "start" in self.errors or "end" in self.errors:
            values.pop("start", None)
            values.pop("end", None)
        default_start, default_end = default_period()
        return InsightFilters(
            start=values.get("start", default_start),
            end=values.get("end", default_end),
            forum=self.fixed_forum or values.get("forum"),
            tier=values.get("tier", ""),
            region=values.get("region"),
            practice_area=values.get("practice_area"),
            sector=values.get("sector", ""),
        )


class ExportRequestForm(forms.Form):
    """Which download is asked for; the filters come with it (InsightFilterForm)."""

    # A meeting's papers are asked for on the meeting's page.
    kind = forms.ChoiceField(
        choices=[(kind.value, kind.label) for kind in ExportKind if kind not in PAPER_KINDS]
    )
    file_format = forms.ChoiceField(choices=ExportFormat.choices)
