import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.fields import (
    SEARCH_MAX_LENGTH,
    ModelChoiceField,
    ModelMultipleChoiceField,
    MultiLineCharField,
    SingleLineCharField,
)
from members.models import PracticeArea, User
from members.validators import no_identifying_details, no_identifying_details_in_link

from .choices import GuidanceStatus, GuidanceType
from .exceptions import GuidanceRefused
from .models import GuidanceItem
from .selectors import citable_guidance
from .services import allowed_extensions, upload_problem

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A new item is reviewed a year after it is published unless its owner says otherwise.
DEFAULT_REVIEW_DAYS = 365


def show_refusal(form: forms.BaseForm, refused: GuidanceRefused) -> None:
    """A refusal beside the field it is about, or above the form when it has no such field."""
    form.add_error(refused.field if refused.field in form.fields else None, str(refused))


class GuidanceFilterForm(forms.Form):
    q = SingleLineCharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *GuidanceType.choices]
    )
    practice_area = ModelChoiceField(
        label=_("Practice area"),
        required=False,
        queryset=PracticeArea.objects.order_by("name"),
        empty_label=_("Any practice area"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Current and under review")), *GuidanceStatus.choices],
    )


class GuidanceForm(forms.Form):
    """A library item's details, and for a new item (or a new file) its link or file."""

    title = SingleLineCharField(label=_("Title"), validators=[no_identifying_details])
    summary = MultiLineCharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_identifying_details],
        help_text=_("What the item covers and who it is for."),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=GuidanceType.choices)
    practice_areas = ModelMultipleChoiceField(
        label=_("Practice areas"),
        queryset=PracticeArea.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = SingleLineCharField(
        label=_("Version"), max_length=30, help_text=_("For example 1.0, 2024 or 2nd edition.")
    )
    owner = ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.filter(is_active=True).order_by("display_name", "email"),
        help_text=_("Keeps the item up to date and is reminded when its review falls due."),
    )
    published_on = forms.DateField(label=_("Published"), widget=DATE_WIDGET)
    review_by = forms.DateField(label=_("Review by"), widget=DATE_WIDGET)
    url = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("The address of a web page or document. Leave empty to upload a file."),
    )
    file = forms.FileField(label=_("File"), required=False)

    def __init__(self, *args, editing: GuidanceItem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        today = timezone.localdate()
        self.fields["published_on"].initial = today
        self.fields["review_by"].initial = today + dt.timedelta(days=DEFAULT_REVIEW_DAYS)
        types = ", ".join(allowed_extensions())
        self.fields["file"].widget.attrs["accept"] = ",".join(
            f".{ext}" for ext in allowed_extensions()
        )
        self.fields["file"].help_text = gettext(
            "Up to %(megabytes)s MB; types: %(types)s. Leave empty to add a link."
        ) % {"megabytes": settings.RESOURCE_MAX_UPLOAD_MB, "types": types}
        if editing is not None:
            # The publication date is part of the record; a new date means a new version.
            del self.fields["published_on"]
            self.fields["url"].help_text = _("A new link replaces the current file or link.")
            self.fields["file"].help_text = gettext(
                "A new file replaces the current file or link. %(limits)s"
            ) % {"limits": self.fields["file"].help_text}

    def clean_url(self):
        url = self.cleaned_data["url"]
        no_identifying_details_in_link(url)
        return url

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and (problem := upload_problem(upload)):
            raise forms.ValidationError(problem)
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.errors.get("file") or self.errors.get("url"):
            return cleaned
        url, upload = cleaned.get("url"), cleaned.get("file")
        if url and upload:
            self.add_error("url", gettext("Give a link or a file, not both."))
        elif not url and not upload and self.editing is None:
            self.add_error("url", gettext("Give a link, or choose a file to upload."))
        published = cleaned.get("published_on") or (self.editing and self.editing.published_on)
        review_by = cleaned.get("review_by")
        if published and review_by and review_by <= published:
            self.add_error(
                "review_by", gettext("The review date must come after the publication date.")
            )
        return cleaned

    def details(self) -> dict:
        """The cleaned values as the services take them."""
        data = dict(self.cleaned_data)
        data["file"] = data.get("file") or None
        data["url"] = data.get("url") or ""
        return data

    @classmethod
    def initial_from(cls, item: GuidanceItem, *, for_new_version: bool = False) -> dict:
        initial = {
            "title": item.title,
            "summary": item.summary,
            "kind": item.kind,
            "practice_areas": list(item.practice_areas.all()),
            "version": "" if for_new_version else item.version,
            "owner": item.owner_id,
            "review_by": None if for_new_version else item.review_by,
        }
        if not for_new_version:
            initial["url"] = item.url
        return {key: value for key, value in initial.items() if value is not None}


class ReviewedForm(forms.Form):
    review_by = forms.DateField(
        label=_("Next review by"),
        widget=DATE_WIDGET,
        help_text=_("The item stays current until then; you are reminded on the day."),
    )
    note = MultiLineCharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_identifying_details],
        help_text=_("What the review found, for the item's history."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review_by"].initial = timezone.localdate() + dt.timedelta(
            days=DEFAULT_REVIEW_DAYS
        )

    def clean_review_by(self):
        review_by = self.cleaned_data["review_by"]
        if review_by <= timezone.localdate():
            raise forms.ValidationError(gettext("The next review date must be in the future."))
        return review_by


class StartReviewForm(forms.Form):
    note = MultiLineCharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_identifying_details],
        help_text=_("What is being reviewed and why, for the item's history."),
    )


class SupersedeForm(forms.Form):
    successor = ModelChoiceField(
        label=_("Superseded by"),
        queryset=GuidanceItem.objects.none(),
        help_text=_("The item readers should use instead: current or under review."),
    )

    def __init__(self, *args, item: GuidanceItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = citable_guidance().exclude(pk=item.pk)
