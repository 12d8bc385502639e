import re

from django import forms
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
REFERENCE_PATTERN = re.compile(r"(?:PI[-\s]?)?(?P<number>\d{1,12})", re.IGNORECASE)

PRIVACY_HELP = _(
    "Describe the practice problem, not a person. Leave out names, phone numbers, email "
    "and street addresses, dates of birth and card numbers."
)


def privacy_errors(form: forms.Form, *fields: str) -> None:
    """Put a clear message next to each field that holds identifying details."""
    for name in fields:
        findings = find_identifying_details(form.cleaned_data.get(name) or "")
        if findings:
            form.add_error(
                name,
                gettext(
                    "This looks like identifying client information: %(findings)s. "
                    "Remove it and describe the practice issue instead."
                )
                % {"findings": describe_findings(findings)},
            )


class IssueForm(forms.ModelForm):
    title = SingleLineCharField(label=_("Title"))
    description = MultiLineCharField(
        label=_("Description"),
        max_length=LONG_TEXT_MAX_LENGTH,
        help_text=PRIVACY_HELP,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    attestation = forms.BooleanField(
        required=False,
        label=_("I confirm this issue holds no identifying information about a client."),
    )

    class Meta:
        model = PracticeIssue
        fields = ["title", "description", "practice_areas", "origin_forum", "restricted"]
        labels = {
            "practice_areas": _("Practice areas"),
            "origin_forum": _("Raise it at"),
            "restricted": _("Restrict who can see it"),
        }
        widgets = {"practice_areas": forms.CheckboxSelectMultiple}
        field_classes = {
            "practice_areas": ModelMultipleChoiceField,
            "origin_forum": ModelChoiceField,
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # Issues start at a CFSN or the State-wide Forum and travel up from there; the
        # Strategic Leadership Forum hears only what the tiers below escalate.
        self.fields["origin_forum"].queryset = Forum.objects.exclude(tier=Tier.STRATEGIC).order_by(
            "tier", "name"
        )
        self.fields["origin_forum"].empty_label = None
        self.fields["practice_areas"].queryset = PracticeArea.objects.order_by("name")
        # A draft keeps whatever is written so far: only its title is needed until it is raised.
        if self.data.get("action") == "draft":
            for name in ("description", "practice_areas"):
                self.fields[name].required = False
        if not self.instance.pk and not self.is_bound:
            own_cfsn = Forum.objects.filter(tier=Tier.REGIONAL, region_id=user.region_id).first()
            if own_cfsn is not None:
                self.initial["origin_forum"] = own_cfsn.pk

    def clean(self):
        cleaned = super().clean()
        privacy_errors(self, "title", "description")
        return cleaned

    def full_clean(self):
        super().full_clean()
        self.focus_first_error()

    def focus_first_error(self) -> None:
        # When the form comes back, the first field to fix takes the focus, so a keyboard or
        # screen-reader user lands on it with its message (no JavaScript needed).
        for field in self.fields.values():
            field.widget.attrs.pop("autofocus", None)
        for name, field in self.fields.items():
            if name in self.errors:
                field.widget.attrs["autofocus"] = True
                return

    def require_attestation(self) -> bool:
        if not self.cleaned_data.get("attestation"):
            self.add_error(
                "attestation",
                gettext("Confirm that the issue holds no identifying information about a client."),
            )
            self.focus_first_error()
            return False
        return True


class IssueFilterForm(forms.Form):
    q = SingleLineCharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status"))]
        + [c for c in IssueStatus.choices if c[0] != IssueStatus.DRAFT],
    )
    tier = forms.ChoiceField(
        label=_("Tier"), required=False, choices=[("", _("Any tier")), *Tier.choices]
    )
    forum = ModelChoiceField(
        required=False,
        queryset=Forum.objects.order_by("name"),
        empty_label=_("Any forum"),
        label=_("Current forum"),
    )
    region = ModelChoiceField(
        required=False,
        queryset=Region.objects.order_by("name"),
        empty_label=_("Any region"),
        label=_("Region raised in"),
    )
    practice_area = ModelChoiceField(
        label=_("Practice area"),
        required=False,
        queryset=PracticeArea.objects.order_by("name"),
        empty_label=_("Any practice area"),
    )
    age = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label=_("Raised in the last"),
        choices=[("", _("Any time")), (30, _("30 days")), (90, _("90 days")), (365, _("year"))],
    )
    delivery = forms.ChoiceField(
        required=False,
        label=_("Delivery of the response"),
        choices=[("", _("Any")), *DELIVERY_FILTERS],
    )


class CommentForm(forms.Form):
    body = MultiLineCharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}), help_text=PRIVACY_HELP
    )

    def clean(self):
        cleaned = super().clean()
        privacy_errors(self, "body")
        return cleaned


class ProvideInformationForm(forms.Form):
    text = MultiLineCharField(
        label=_("More information"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=PRIVACY_HELP,
    )

    def clean(self):
        cleaned = super().clean()
        privacy_errors(self, "text")
        return cleaned


class PlaceOnAgendaForm(forms.Form):
    meeting = ModelChoiceField(
        queryset=Meeting.objects.none(), empty_label=None, label=_("Meeting")
    )

    def __init__(self, *args, forum: Forum, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            Meeting.objects.forum_meetings()
            .filter(forum=forum, status__in=["draft", "published"], start__gt=timezone.now())
            .order_by("start")
        )
        first = self.fields["meeting"].queryset.filter(status="published").first()
        if first is not None:
            self.initial.setdefault("meeting", first.pk)


class MergeForm(forms.Form):
    """The primary issue, picked from a short list of likely ones or named by reference;
    either way it must be an issue this person may merge into."""

    candidate = forms.TypedChoiceField(
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
        label=_("Likely primary issues"),
        help_text=_("Open issues in the same practice area, newest first."),
    )
    reference = SingleLineCharField(
        required=False,
        max_length=20,
        label=_("Or the primary issue's reference"),
        help_text=_("For example PI-01234, or just 1234."),
    )

    def __init__(self, *args, mergeable, likely: list[PracticeIssue], **kwargs):
        super().__init__(*args, **kwargs)
        self.mergeable = mergeable
        self.likely = {issue.pk: issue for issue in likely}
        self.fields["candidate"].choices = [
            (issue.pk, f"{issue.reference}: {issue.title}") for issue in likely
        ]
        if not likely:
            del self.fields["candidate"]
            self.fields["reference"].label = _("The primary issue's reference")

    def clean_reference(self) -> PracticeIssue | None:
        text = self.cleaned_data["reference"]
        if not text:
            return None
        match = REFERENCE_PATTERN.fullmatch(text.strip())
        if match is None:
            raise forms.ValidationError(
                gettext("Enter an issue's reference, such as PI-01234, or its number.")
            )
        primary = self.mergeable.filter(pk=int(match["number"])).first()
        if primary is None:
            raise forms.ValidationError(
                gettext(
                    "%(reference)s cannot take this merge: name another open issue that you can "
                    "see (a restricted one only if this issue is restricted too)."
                )
                % {"reference": text}
            )
        return primary

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        chosen = self.likely.get(cleaned.get("candidate"))
        named = cleaned.get("reference")
        if chosen and named and chosen != named:
            self.add_error(
                "reference",
                gettext("This names %(named)s, but %(chosen)s is chosen above: clear one of them.")
                % {"named": named.reference, "chosen": chosen.reference},
            )
        elif not (chosen or named):
            self.add_error(
                "candidate" if "candidate" in self.fields else "reference",
                gettext("Choose the primary issue, or enter its reference."),
            )
        else:
            cleaned["primary"] = named or chosen
        return cleaned


class ReasonForm(forms.Form):
    note = MultiLineCharField(widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, label: str = _("Reason"), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = label

    def clean(self):
        cleaned = super().clean()
        privacy_errors(self, "note")
        return cleaned


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(o.value, o.label) for o in MEETING_OUTCOMES],
        widget=forms.RadioSelect,
    )
    note = MultiLineCharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Note"),
        help_text=_(
            "The resolution, what information is needed, or a note kept with the escalation."
        ),
    )
    summary = MultiLineCharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Summary for the next tier"),
    )
    rationale = MultiLineCharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Why it needs the next tier"),
    )
    guidance = ModelChoiceField(
        required=False,
        queryset=citable_guidance(),
        label=_("Resolved by guidance"),
        empty_label=_("No library item"),
        help_text=_(
            "When the practice library already answers the issue: the item that resolves it "
            "(current or under review)."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if cleaned.get("guidance") is not None and outcome != Outcome.RESOLVED:
            self.add_error(
                "guidance", gettext("Only a resolved issue can name the guidance that resolved it.")
            )
        if outcome == Outcome.ESCALATED:
            for name in ("summary", "rationale"):
                if not (cleaned.get(name) or "").strip():
                    self.add_error(name, gettext("An escalation needs this."))
        if (
            outcome in (Outcome.RESOLVED, Outcome.RETURNED)
            and not (cleaned.get("note") or "").strip()
        ):
            self.add_error(
                "note",
                gettext("Write the resolution.")
                if outcome == Outcome.RESOLVED
                else gettext("Say what information is needed."),
            )
        privacy_errors(self, "note", "summary", "rationale")
        return cleaned


OUT_OF_SESSION_REASON_HELP = _(
    "Why this could not wait for the forum's next meeting. The decision is labelled "
    "out of session on the issue's path and timeline, and noted in the next meeting's minutes."
)


class OutOfSessionForm(OutcomeForm):
    """A decision taken between meetings by the forum's chair or facilitator, with a reason."""

    reason = MultiLineCharField(
        label=_("Reason for deciding out of session"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=OUT_OF_SESSION_REASON_HELP,
    )

    field_order = ["outcome", "reason", "note", "guidance", "summary", "rationale"]

    def __init__(self, *args, purpose: str = ReferralPurpose.CONSIDER, **kwargs):
        super().__init__(*args, **kwargs)
        if purpose == ReferralPurpose.REFLECT:
            outcomes = [Outcome.DISCUSSED]
            for name in ("summary", "rationale", "guidance"):
                del self.fields[name]
            self.fields["note"].label = _("What was said about the response")
            self.fields["note"].help_text = ""
        else:
            outcomes = [Outcome.RESOLVED, Outcome.ESCALATED]
        self.fields["outcome"].choices = [(o.value, o.label) for o in outcomes]
        if len(outcomes) == 1:
            self.initial.setdefault("outcome", outcomes[0].value)

    def clean(self):
        cleaned = super().clean()
        privacy_errors(self, "reason")
        return cleaned


class DiscussedForm(forms.Form):
    note = MultiLineCharField(
        required=False,
        label=_("What the meeting said about the response"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        privacy_errors(self, "note")
        return cleaned


class ResponseForm(forms.Form):
    decision = MultiLineCharField(
        max_length=LONG_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        label=_("Decision and response"),
    )
    owner = ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("display_name", "email"),
        label=_("Owner of the action"),
    )
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    review_date = forms.DateField(
        label=_("Review date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "When the owner reviews whether the response still answers the issue; "
            "they are reminded on the day."
        ),
    )
    scope = forms.ChoiceField(
        choices=ResponseScope.choices,
        widget=forms.RadioSelect,
        initial=ResponseScope.ORIGIN,
        label=_("Send the response to"),
    )
    related_guidance = ModelMultipleChoiceField(
        required=False,
        queryset=citable_guidance(),
        label=_("Related guidance"),
        help_text=_("Practice library items that go with the response, if any."),
    )

    def __init__(self, *args, out_of_session: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Between Strategic meetings the chair or facilitator responds out of session, and
        # says why; at a meeting that has started no reason is asked for.
        if out_of_session:
            self.fields["out_of_session_reason"] = MultiLineCharField(
                label=_("Reason for responding out of session"),
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=OUT_OF_SESSION_REASON_HELP,
            )

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(gettext("The due date cannot be in the past."))
        return due

    def clean_review_date(self):
        review = self.cleaned_data["review_date"]
        if review < timezone.localdate():
            raise forms.ValidationError(gettext("The review date cannot be in the past."))
        return review

    def clean(self):
        cleaned = super().clean()
        privacy_errors(self, "decision")
        if "out_of_session_reason" in self.fields:
            privacy_errors(self, "out_of_session_reason")
        return cleaned


class ProgressForm(forms.Form):
    status = forms.ChoiceField(widget=forms.RadioSelect, label=_("How is the response going?"))
    note = MultiLineCharField(
        required=False,
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What has been done or is next. Required when the response is not proceeding: say why."
        ),
    )

    def __init__(self, *args, current: str = DeliveryStatus.PLANNED, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = DELIVERY_TRANSITIONS[current]
        self.fields["status"].choices = [c for c in DeliveryStatus.choices if c[0] in allowed]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == DeliveryStatus.NOT_PROCEEDING
            and not (cleaned.get("note") or "").strip()
        ):
            self.add_error("note", gettext("Say why the response is not proceeding."))
        privacy_errors(self, "note")
        return cleaned


class ExecutiveFilterForm(forms.Form):
    practice_area = ModelChoiceField(
        label=_("Practice area"),
        required=False,
        queryset=PracticeArea.objects.order_by("name"),
        empty_label=_("Any practice area"),
    )
    region = ModelChoiceField(
        label=_("Region"),
        required=False,
        queryset=Region.objects.order_by("name"),
        empty_label=_("Any region"),
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("age", _("Oldest first")),
            ("endorsements", _("Most endorsed")),
            ("regions", _("Most regions affected")),
        ],
    )


# --- Consultations down the tiers ---------------------------------------------------
