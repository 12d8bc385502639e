"""Form fields for the text people type, with the portal's one set of length limits.

The limits themselves live in members/text.py.

Every free-text field of every form takes one of these limits, so a form refuses an
over-long entry next to the field (keeping what was typed) and the browser stops typing
at the same length through the ``maxlength`` attribute.
"""

from django import forms

from .text import (
    LONG_TEXT_MAX_LENGTH,
    SEARCH_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    one_line,
)

__all__ = [
    "LONG_TEXT_MAX_LENGTH",
    "SEARCH_MAX_LENGTH",
    "TEXT_MAX_LENGTH",
    "TITLE_MAX_LENGTH",
    "ModelChoiceField",
    "ModelMultipleChoiceField",
    "MultiLineCharField",
    "SingleLineCharField",
]


class SingleLineCharField(forms.CharField):
    """A title or name: always one line, whatever was pasted into it."""

    def __init__(self, *, max_length: int | None = TITLE_MAX_LENGTH, **kwargs):
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return one_line(value) if value else value


class MultiLineCharField(forms.CharField):
    """A paragraph or more, in a text area; a line break counts as one character, as in the
    browser's own ``maxlength`` count."""

    widget = forms.Textarea

    def __init__(self, *, max_length: int | None = TEXT_MAX_LENGTH, **kwargs):
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class ModelChoiceField(forms.ModelChoiceField):
    """A choice of one row; an id too large for the database is an invalid choice, not an
    error page (SQLite refuses integers past 64 bits while the query runs)."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several rows, refusing ids too large for the database like any other
    invalid choice."""

    def clean(self, value):
        try:
            return super().clean(value)
        except OverflowError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": "that"},
            ) from None
