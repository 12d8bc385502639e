from django import forms
from django.utils.translation import gettext_lazy as _

from members.fields import ModelMultipleChoiceField, MultiLineCharField
from members.validators import no_identifying_details

from ..selectors.learning import current_materials
from ..services.learning import MAX_CAPACITY
from .scheduling import MeetingTimesForm


class MaterialsField(ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title} (v{obj.version}, {obj.get_status_display().lower()})"


def _capacity_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=MAX_CAPACITY,
        help_text=_("How many may register; later registrations join the waiting list."),
    )


def _materials_field() -> MaterialsField:
    return MaterialsField(
        label=_("Materials from the library"),
        queryset=current_materials(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Current library items the session uses; people who attend keep the list."),
    )


class LearningSessionForm(MeetingTimesForm):
    """A learning session: when and where, how many places, what it covers, its materials."""

    capacity = _capacity_field()
    description = MultiLineCharField(
        label=_("What the session covers"),
        required=False,
        validators=[no_identifying_details],
        help_text=_("Shown on the session page as its agenda."),
    )
    materials = _materials_field()
    publish = forms.TypedChoiceField(
        label=_("Visible to members"),
        choices=[
            ("0", _("Draft: only the forum's facilitators see it for now")),
            ("1", _("Published: every member can see it and register now")),
        ],
        coerce=lambda value: value == "1",
        initial="0",
        widget=forms.RadioSelect,
    )

    field_order = [
        "title",
        "date",
        "start_time",
        "end_time",
        "place",
        "online_link",
        "capacity",
        "description",
        "materials",
        "publish",
        "confirm_clash",
    ]

    def start_end(self):
        return self.spans[0]


class SessionDetailsForm(forms.Form):
    """A session's places and materials, changed after it was scheduled. Its own materials
    stay on offer once the library supersedes them: those who attended keep what they had."""

    capacity = _capacity_field()
    materials = _materials_field()

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["materials"].queryset = (
            current_materials() | meeting.materials.all()
        ).distinct()
