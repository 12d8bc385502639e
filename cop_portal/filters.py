"""Filter forms' drawings, kept in the cache under a name made of all they show.

A filter form drawn through crispy-forms costs more than many pages' own content (a select of
every forum is a template per option), yet shows only the values asked for and its choices.
Named by those, the language and a stamp of the tables its choices come from, a drawing is
made once and shows a new or renamed choice at once: saving or deleting a row of such a table
(each app's receivers call forget_choices) gives the table a new stamp."""

import hashlib

from django import forms
from django.db.models import Model
from django.utils.translation import get_language

from . import stamps

# A drawing is named by all it shows, so it is kept until the cache needs the room or a
# deploy may have changed its markup.
FILTERS_CACHE_SECONDS = 60 * 60
# How long a table's stamp is kept at most. A change made through the models gives it a new
# one at once; this bounds one made around them (a bulk update).
CHOICES_STAMP_SECONDS = 300


def filters_key(form: forms.Form, *drawn_from: str) -> str:
    """Names a filter form's drawing: the values asked for in its fields, stamps of what its
    choices are drawn from, and the language; it shows nothing else, nothing of the person."""
    asked = [(name, form.data.getlist(name)) for name in form.fields] if form.is_bound else []
    named = (asked, drawn_from, get_language())
    return hashlib.sha256(repr(named).encode()).hexdigest()


def _stamp_key(model: type[Model]) -> str:
    return f"filters:choices-stamp:{model._meta.label_lower}"


def choices_stamp(*models: type[Model]) -> str:
    """A stamp of the tables a form's selects offer (every forum and region, say), which
    changes when a row of one is added, renamed or removed; kept in the cache, so no query."""
    return ":".join(stamps.read([_stamp_key(model) for model in models], CHOICES_STAMP_SECONDS))


def forget_choices(model: type[Model]) -> None:
    """A row of `model` was saved or deleted: drawings offering its rows are made afresh
    (cop_portal.stamps)."""
    stamps.forget([_stamp_key(model)])
