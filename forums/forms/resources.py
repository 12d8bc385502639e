from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.fields import ModelMultipleChoiceField, SingleLineCharField
from members.files import file_type_problem
from members.models import PracticeArea
from members.validators import no_identifying_details, no_identifying_details_in_link


def allowed_extensions() -> list[str]:
    return [ext.lower().lstrip(".") for ext in settings.RESOURCE_ALLOWED_EXTENSIONS]


class ResourceForm(forms.Form):
    """A link or an uploaded file, within the size and type limits set in settings.

    A file's contents must match its extension, so a renamed web page is refused.
    """

    title = SingleLineCharField(label=_("Title"), validators=[no_identifying_details])
    url = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("The address of a web page or document. Leave empty to upload a file."),
        validators=[no_identifying_details_in_link],
    )
    file = forms.FileField(label=_("File"), required=False)
    practice_areas = ModelMultipleChoiceField(
        label=_("Practice areas"),
        queryset=PracticeArea.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = ", ".join(allowed_extensions())
        self.fields["file"].help_text = gettext(
            "Up to %(megabytes)s MB; types: %(types)s. Leave empty to add a link."
        ) % {"megabytes": settings.RESOURCE_MAX_UPLOAD_MB, "types": types}
        self.fields["file"].widget.attrs["accept"] = ",".join(
            f".{ext}" for ext in allowed_extensions()
        )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        extension = Path(upload.name).suffix.lower().lstrip(".")
        if extension not in allowed_extensions():
            raise forms.ValidationError(
                gettext(
                    "Files of type .%(extension)s cannot be uploaded. Allowed types: %(types)s."
                )
                % {
                    "extension": extension or gettext("(none)"),
                    "types": ", ".join(allowed_extensions()),
                }
            )
        limit = settings.RESOURCE_MAX_UPLOAD_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                gettext("The file is %(size).1f MB; the limit is %(limit)s MB.")
                % {"size": upload.size / (1024 * 1024), "limit": limit}
            )
        problem = file_type_problem(upload, extension)
        if problem:
            raise forms.ValidationError(problem)
        return upload

    def clean(self):
        cleaned = super().clean()
        url, upload = cleaned.get("url"), cleaned.get("file")
        if self.errors.get("file") or self.errors.get("url"):
            return cleaned
        if url and upload:
            self.add_error("url", gettext("Give a link or a file, not both."))
        elif not url and not upload:
            self.add_error("url", gettext("Give a link, or choose a file to upload."))
        return cleaned
