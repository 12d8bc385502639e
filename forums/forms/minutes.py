import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.fields import (
    LONG_TEXT_MAX_LENGTH,
    ModelChoiceField,
    ModelMultipleChoiceField,
    MultiLineCharField,
    SingleLineCharField,
)
from members.validators import no_identifying_details

from ..choices import ActionStatus
from ..models import AgendaItem, Meeting


class MemberChoiceField(ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name or obj.email


class AttendanceForm(forms.Form):
    """Tick who attended; each member's RSVP is shown beside their name."""

    attendees = ModelMultipleChoiceField(
        label=_("Who attended?"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args, members, rsvps: dict[int, str], registrations: dict | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        field = self.fields["attendees"]
        field.queryset = members
        if registrations is not None:
            # A learning session: who registered or waited, each with their status.
            field.label_from_instance = lambda user: (
                gettext("%(name)s (%(status)s)")
                % {
                    "name": user.display_name or user.email,
                    "status": registrations.get(user.pk, ""),
                }
            )
            return
        no_answer = gettext("no answer")
        field.label_from_instance = lambda user: (
            gettext("%(name)s (RSVP: %(answer)s)")
            % {
                "name": user.display_name or user.email,
                "answer": rsvps.get(user.pk, no_answer),
            }
        )


class MinutesForm(forms.Form):
    """Notes and an optional decision for every agenda item of the meeting."""

    def __init__(self, *args, items: list[AgendaItem], decisions: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"notes_{item.pk}"] = MultiLineCharField(
                label=gettext("Minutes for '%(title)s'") % {"title": item.title},
                max_length=LONG_TEXT_MAX_LENGTH,
                required=False,
                validators=[no_identifying_details],
                initial=item.notes,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            self.fields[f"decision_{item.pk}"] = MultiLineCharField(
                label=gettext("Decision on '%(title)s' (optional)") % {"title": item.title},
                required=False,
                validators=[no_identifying_details],
                initial=decisions.get(item.pk, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def item_fields(self):
        """(item, notes field, decision field) for laying the form out item by item."""
        return [
            (item, self[f"notes_{item.pk}"], self[f"decision_{item.pk}"]) for item in self.items
        ]

    def notes(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"notes_{item.pk}"] for item in self.items}

    def decisions(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"decision_{item.pk}"] for item in self.items}


class ActionItemForm(forms.Form):
    title = SingleLineCharField(label=_("What is to be done"), validators=[no_identifying_details])
    owner = MemberChoiceField(queryset=None, label=_("Owner"), empty_label=_("Choose a member"))
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    agenda_item = ModelChoiceField(
        queryset=None,
        required=False,
        label=_("From agenda item (optional)"),
        empty_label=_("None"),
    )

    def __init__(self, *args, meeting: Meeting, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(meeting=meeting)

    def clean_due_date(self) -> dt.date:
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate() - dt.timedelta(days=365):
            raise forms.ValidationError(
                gettext("The due date is more than a year ago; check the year.")
            )
        return due


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices, label=_("Status"))
