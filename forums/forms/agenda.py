from django import forms

from members.fields import MultiLineCharField, SingleLineCharField
from members.validators import no_contact_details, no_identifying_details

from ..choices import RsvpResponse
from ..models import AgendaItem


class AgendaItemForm(forms.ModelForm):
    """An agenda item's details; the service saves them."""

    title = SingleLineCharField(label="Title", validators=[no_identifying_details])
    description = MultiLineCharField(
        label="Description",
        required=False,
        validators=[no_identifying_details],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Who leads the item is a member or a guest of the forum, named on purpose; contact
    # details and other identifying information are still refused.
    presenter = SingleLineCharField(
        label="Presenter",
        required=False,
        validators=[no_contact_details],
        help_text="Who leads this item (optional).",
    )
    minutes_allotted = forms.IntegerField(
        label="Minutes allotted", min_value=1, max_value=600, initial=10
    )

    class Meta:
        model = AgendaItem
        fields = ["title", "kind", "minutes_allotted", "presenter", "description"]


class AgendaItemChangeForm(AgendaItemForm):
    """Editing an item also lets it move to another position (1 is first)."""

    position = forms.IntegerField(
        min_value=1,
        help_text="Where the item sits on the agenda: 1 is first.",
    )

    class Meta(AgendaItemForm.Meta):
        fields = ["position", *AgendaItemForm.Meta.fields]


class AgendaMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class RsvpForm(forms.Form):
    response = forms.ChoiceField(
        label="Will you come?",
        choices=RsvpResponse.choices,
        widget=forms.RadioSelect,
    )
