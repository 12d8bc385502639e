from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import KIND_LABELS, MAX_PAGE, MAX_QUERY_LENGTH


class SearchForm(forms.Form):
    """The query, and optionally one kind of result and a page of it (read from GET)."""

    q = forms.CharField(
        label=_("Search for"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        help_text=_(
            'Use quotes for a phrase ("family group conference"), a minus to leave a word out '
            '(-placement), and "or" between two words to find either (kinship or foster).'
        ),
    )
    kind = forms.ChoiceField(
        label=_("Show"),
        choices=[("", _("All")), *KIND_LABELS.items()],
        required=False,
    )
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
        self.fields["page"].widget = forms.HiddenInput()
