from django import forms
from django.utils.translation import gettext_lazy as _

from members.fields import (
    ModelChoiceField,
    MultiLineCharField,
)
from members.models import PracticeArea

# "PI-01234", "pi 1234", "01234" or "1234"; longer numbers are not issues of ours.
from .issues import PRIVACY_HELP, privacy_errors


class AdviceForm(forms.Form):
    """A practice lead's advice on an issue, as the lead of one of its areas they lead."""

    area = ModelChoiceField(label=_("As lead of"), queryset=PracticeArea.objects.none())
    body = MultiLineCharField(
        label=_("Your advice"), widget=forms.Textarea(attrs={"rows": 4}), help_text=PRIVACY_HELP
    )

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = PracticeArea.objects.filter(pk__in=areas or ()).order_by("name")
        self.fields["area"].queryset = queryset
        self.fields["area"].empty_label = None

    def clean(self):
        cleaned = super().clean()
        privacy_errors(self, "body")
        return cleaned


class LeadQueueFilterForm(forms.Form):
    area = ModelChoiceField(
        label=_("Practice area"),
        required=False,
        queryset=PracticeArea.objects.none(),
        empty_label=_("All the areas you lead"),
    )
    no_advice = forms.BooleanField(label=_("Only issues without advice yet"), required=False)

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = PracticeArea.objects.filter(pk__in=areas or ()).order_by(
            "name"
        )


# --- Related guidance from the practice library --------------------------------------
