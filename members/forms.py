from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .choices import Delivery, NotificationKind
from .fields import ModelChoiceField, ModelMultipleChoiceField, SingleLineCharField
from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "job_title", "organisation", "region", "practice_areas"]
        widgets = {"practice_areas": forms.CheckboxSelectMultiple}
        field_classes = {
            "display_name": SingleLineCharField,
            "job_title": SingleLineCharField,
            "organisation": ModelChoiceField,
            "region": ModelChoiceField,
            "practice_areas": ModelMultipleChoiceField,
        }
        help_texts = {
            "practice_areas": _(
                "Choose the areas you work in; forums and issues are matched to them."
            )
        }

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(gettext("Enter the name other members should see."))
        return name


class DeactivateAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand that I will no longer be able to sign in, and that what I raised "
            "and wrote stays in the portal."
        ),
        error_messages={"required": _("Tick the box to confirm that you want to leave.")},
    )


class NotificationPreferencesForm(forms.Form):
    """One choice per kind of notice: how its emails reach the person."""

    def __init__(self, *args, initial_choices: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=initial_choices.get(kind.value, Delivery.IMMEDIATE),
                widget=forms.RadioSelect,
            )


class UnsubscribeForm(forms.Form):
    """The confirmation button; RFC 8058 mail programs post "List-Unsubscribe=One-Click"."""
