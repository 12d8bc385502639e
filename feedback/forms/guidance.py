from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.fields import (
    ModelMultipleChoiceField,
)
from practice.models import GuidanceItem
from practice.selectors import citable_guidance

from ..models import PracticeIssue

# "PI-01234", "pi 1234", "01234" or "1234"; longer numbers are not issues of ours.


class CiteGuidanceForm(forms.Form):
    """The library items related to an issue: tick to add, untick to remove. Items cited
    before they were superseded stay listed, so they can be removed."""

    items = ModelMultipleChoiceField(
        required=False,
        queryset=GuidanceItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Related guidance"),
        help_text=_("Current or under-review items of the practice library."),
    )

    def __init__(self, *args, issue: PracticeIssue, **kwargs):
        super().__init__(*args, **kwargs)
        cited = issue.related_guidance.values("pk")
        self.fields["items"].queryset = (
            GuidanceItem.objects.filter(Q(pk__in=citable_guidance().values("pk")) | Q(pk__in=cited))
            .select_related("superseded_by")
            .order_by("title", "id")
        )
        self.initial.setdefault("items", [item.pk for item in issue.related_guidance.all()])
