import re

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forums.choices import Tier
from forums.models import Forum, Meeting
from members.fields import (
    LONG_TEXT_MAX_LENGTH,
    SEARCH_MAX_LENGTH,
    ModelChoiceField,
    ModelMultipleChoiceField,
    MultiLineCharField,
    SingleLineCharField,
)
from members.models import PracticeArea, Region, User
from members.validators import describe_findings
from practice.models import GuidanceItem
from practice.selectors import citable_guidance

from ..choices import (
    DELIVERY_FILTERS,
    DELIVERY_TRANSITIONS,
    MEETING_OUTCOMES,
    DeliveryStatus,
    IssueStatus,
    Outcome,
    ReferralPurpose,
    ResponseScope,
)
from ..models import PracticeIssue
from ..privacy import find_identifying_details

# "PI-01234", "pi 1234", "01234" or "1234"; longer numbers are not issues of ours.
from .issues import PRIVACY_HELP, privacy_errors


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
