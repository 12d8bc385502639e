"""Filter forms' drawings, kept in the cache under a name made of all they show.

A filter form drawn through crispy-forms costs more than many pages' own content (a select of
every forum is a template per option), yet shows only the values asked for and its choices.
Named by those, the language and a stamp of the rows its choices come from, a drawing is
made once and shows a new or renamed choice at once."""

import hashlib

from django import forms
from django.db.models import Manager, QuerySet, Value
from django.utils.translation import get_language

# A drawing is named by all it shows, so it is kept until the cache needs the room or a
# deploy may have changed its markup.
FILTERS_CACHE_SECONDS = 60 * 60


def filters_key(form: forms.Form, *drawn_from: str) -> str:
    """Names a filter form's drawing: the values asked for in its fields, stamps of what its
    choices are drawn from, and the language; it shows nothing else, nothing of the person."""
    asked = [(name, form.data.getlist(name)) for name in form.fields] if form.is_bound else []
    named = (asked, drawn_from, get_language())
    return hashlib.sha256(repr(named).encode()).hexdigest()


def choices_stamp(*tables: QuerySet | Manager) -> str:
    """A fingerprint of the rows a form's selects offer, each labelled by its `name` (every
    forum and region, say), which changes when one is added, renamed or removed; one
    query, however many tables."""
    labelled = [
        table.annotate(table=Value(table.model._meta.label))
        .values_list("table", "pk", "name")
        .order_by()
        for table in tables
    ]
    rows = sorted(labelled[0].union(*labelled[1:], all=True))
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:32]
