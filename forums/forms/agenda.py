from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.fields import ModelChoiceField, MultiLineCharField, SingleLineCharField
from members.validators import no_contact_details, no_identifying_details

from ..choices import DEFAULT_MINUTES, AgendaItemKind, RsvpResponse
from ..models import AgendaItem, Meeting


class AgendaItemForm(forms.ModelForm):
    """An agenda item's details; the service saves them."""

    title = SingleLineCharField(label=_("Title"), validators=[no_identifying_details])
    description = MultiLineCharField(
        label=_("Description"),
        required=False,
        validators=[no_identifying_details],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Who leads the item is a member or a guest of the forum, named on purpose; contact
    # details and other identifying information are still refused.
    presenter = SingleLineCharField(
        label=_("Presenter"),
        required=False,
        validators=[no_contact_details],
        help_text=_("Who leads this item (optional)."),
    )
    minutes_allotted = forms.IntegerField(
        label=_("Minutes allotted"),
        min_value=1,
        max_value=600,
        required=False,
        help_text=_("Leave empty for the forum's default for the kind of item."),
    )

    class Meta:
        model = AgendaItem
        fields = ["title", "kind", "minutes_allotted", "presenter", "description"]
        labels = {"kind": _("Kind")}

    def __init__(self, *args, defaults: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if defaults:
            labels = dict(AgendaItemKind.choices)
            listed = "; ".join(
                f"{labels[kind].lower()} {minutes}" for kind, minutes in defaults.items()
            )
            self.fields["minutes_allotted"].help_text = gettext(
                "Leave empty for the forum's default for the kind of item (%(listed)s)."
            ) % {"listed": listed}


class AgendaDefaultsForm(forms.Form):
    """A forum's minutes for each kind of agenda item: one number per kind."""

    def __init__(self, *args, defaults: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in AgendaItemKind.choices:
            self.fields[kind] = forms.IntegerField(
                label=label,
                min_value=1,
                max_value=600,
                initial=defaults[kind],
                help_text=gettext("Minutes; the usual length is %(minutes)s.")
                % {"minutes": DEFAULT_MINUTES[kind]},
            )


class AgendaItemChangeForm(AgendaItemForm):
    """Editing an item also lets it move to another position (1 is first)."""

    position = forms.IntegerField(
        label=_("Position"),
        min_value=1,
        help_text=_("Where the item sits on the agenda: 1 is first."),
    )

    class Meta(AgendaItemForm.Meta):
        fields = ["position", *AgendaItemForm.Meta.fields]


class AgendaMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class LaterMeetingForm(forms.Form):
    """The later meeting an item moves to: one of the forum's open meetings after it."""

    meeting = ModelChoiceField(queryset=Meeting.objects.none(), label=_("Move to"))

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class RsvpForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Will you come?"),
        choices=RsvpResponse.choices,
        widget=forms.RadioSelect,
    )
