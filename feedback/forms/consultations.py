from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forums.choices import Tier
from forums.models import Forum
from members.fields import (
    ModelMultipleChoiceField,
    MultiLineCharField,
    SingleLineCharField,
)

# "PI-01234", "pi 1234", "01234" or "1234"; longer numbers are not issues of ours.
from .issues import PRIVACY_HELP, privacy_errors

CONSULTATION_QUESTIONS = 5


class ConsultationForm(forms.Form):
    """Open a consultation: every Regional CFSN is ticked until the sender says otherwise."""

    title = SingleLineCharField(label=_("Title"), max_length=200)
    brief = MultiLineCharField(
        label=_("Brief"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the forums are asked to consider, in a short paragraph."),
    )
    closes_on = forms.DateField(
        label=_("Closing date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    forums = ModelMultipleChoiceField(
        label=_("Forums to consult"),
        queryset=Forum.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, CONSULTATION_QUESTIONS + 1):
            self.fields[f"question_{number}"] = SingleLineCharField(
                label=_("Question %(number)s") % {"number": number},
                max_length=500,
                required=number == 1,
                help_text=PRIVACY_HELP if number == 1 else "",
            )
        self.order_fields(
            ["title", "brief"]
            + [f"question_{n}" for n in range(1, CONSULTATION_QUESTIONS + 1)]
            + ["closes_on", "forums"]
        )
        self.fields["forums"].queryset = choices
        self.initial.setdefault(
            "forums", [forum.pk for forum in choices if forum.tier == Tier.REGIONAL]
        )

    def clean_closes_on(self):
        closes_on = self.cleaned_data["closes_on"]
        if closes_on <= timezone.localdate():
            raise forms.ValidationError(_("Choose a closing date in the future."))
        return closes_on

    def clean(self):
        cleaned = super().clean()
        privacy_errors(
            self,
            "title",
            "brief",
            *(f"question_{n}" for n in range(1, CONSULTATION_QUESTIONS + 1)),
        )
        return cleaned

    def questions(self) -> list[str]:
        return [
            self.cleaned_data[f"question_{n}"]
            for n in range(1, CONSULTATION_QUESTIONS + 1)
            if self.cleaned_data.get(f"question_{n}")
        ]


class ConsultationAnswersForm(forms.Form):
    """One answer field per question; `required` asks for at least one answer."""

    def __init__(self, *args, questions, existing=None, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.required = required
        existing = existing or {}
        for question in questions:
            name = f"answer_{question.pk}"
            self.fields[name] = MultiLineCharField(
                label=question.text,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            if question.pk in existing:
                self.initial.setdefault(name, existing[question.pk])
        if self.fields:
            self.fields[next(iter(self.fields))].help_text = PRIVACY_HELP

    def clean(self):
        cleaned = super().clean()
        privacy_errors(self, *self.fields)
        if self.required and not any((cleaned.get(name) or "").strip() for name in self.fields):
            raise forms.ValidationError(_("Answer at least one question."))
        return cleaned

    def answers(self) -> dict[int, str]:
        return {
            int(name.removeprefix("answer_")): self.cleaned_data.get(name) or ""
            for name in self.fields
        }


class ConsultationSummaryForm(forms.Form):
    summary = MultiLineCharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What the forums said and what happens next. Every member of the forums you "
            "consulted is told when it is published."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        privacy_errors(self, "summary")
        return cleaned


class CloseConsultationForm(forms.Form):
    note = MultiLineCharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        cleaned = super().clean()
        privacy_errors(self, "note")
        return cleaned
