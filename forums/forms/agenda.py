from django import forms

from members.validators import no_identifying_details

from ..choices import RsvpResponse
from ..models import AgendaItem


class AgendaItemForm(forms.ModelForm):
    """An agenda item's details; the service saves them."""

    minutes_allotted = forms.IntegerField(
        label="Minutes allotted", min_value=1, max_value=600, initial=10
    )

    class Meta:
        model = AgendaItem
        fields = ["title", "kind", "minutes_allotted", "presenter", "description"]
        help_texts = {"presenter": "Who leads this item (optional)."}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "description", "presenter"):
            self.fields[name].validators.append(no_identifying_details)


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
