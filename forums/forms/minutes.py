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
    """Notes and an optional decision for every agenda item of the meeting. Each text comes
    with what it read when the form was drawn (`<name>_was`, hidden), so that saving writes
    only what this person changed, and only over what they read."""

    def __init__(self, *args, items: list[AgendaItem], decisions: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            for name, text in (
                (f"notes_{item.pk}", item.notes),
                (f"decision_{item.pk}", decisions.get(item.pk, "")),
            ):
                self.fields[f"{name}_was"] = MultiLineCharField(
                    required=False, max_length=None, initial=text, widget=forms.HiddenInput
                )
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

    def _changed(self, prefix: str) -> dict[int, tuple[str | None, str]]:
        """(what it read, what it reads now) of each text this person changed, by item; what
        it read is None when the post did not say (a client other than this form)."""
        found = {}
        for item in self.items:
            name = f"{prefix}_{item.pk}"
            # An item added to the agenda after the form was drawn posts nothing: it is
            # left alone.
            if self.add_prefix(name) not in self.data:
                continue
            now = self.cleaned_data[name]
            was = None
            if self.add_prefix(f"{name}_was") in self.data:
                # Both read as the field reads them: line breaks as LF, ends trimmed.
                was = self.cleaned_data[f"{name}_was"]
                if now == was:
                    continue
            found[item.pk] = (was, now)
        return found

    def notes(self) -> dict[int, str]:
        """The notes this person changed, by item."""
        return {pk: now for pk, (_was, now) in self._changed("notes").items()}

    def decisions(self) -> dict[int, str]:
        """The decisions this person changed (emptied: removed), by item."""
        return {pk: now for pk, (_was, now) in self._changed("decision").items()}

    def notes_were(self) -> dict[int, str]:
        changed = self._changed("notes").items()
        return {pk: was for pk, (was, _now) in changed if was is not None}

    def decisions_were(self) -> dict[int, str]:
        changed = self._changed("decision").items()
        return {pk: was for pk, (was, _now) in changed if was is not None}

    def show_changed_meanwhile(self, changed: dict[str, str]) -> None:
        """Say, next to each text someone else changed meanwhile, what it reads now, keep what
        this person typed, and take what it reads now as what they read, so that saving
        again keeps their text."""
        self.data = self.data.copy()
        for name, text in changed.items():
            self.data[self.add_prefix(f"{name}_was")] = text
            now = text or gettext("(nothing)")
            self.add_error(
                name,
                gettext("Someone else changed this meanwhile. It now reads: %(text)s")
                % {"text": now},
            )


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
