"""The portal's select template draws the same markup as Django's, for any choices."""

from django import forms
from django.forms.renderers import DjangoTemplates
from hypothesis import given, settings
from hypothesis import strategies as st

from forums.forms.scheduling import MeetingFilterForm
from tests.factories.forums import ForumFactory

labels = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
choices = st.lists(st.tuples(st.text(max_size=6), labels), max_size=6)
groups = st.lists(st.one_of(st.tuples(st.text(max_size=4), labels), st.tuples(labels, choices)))


@settings(max_examples=60, deadline=None)
@given(
    grouped=groups,
    picked=st.lists(st.text(max_size=6), max_size=2),
    multiple=st.booleans(),
    disabled=st.booleans(),
)
def test_select_markup_is_djangos_for_any_choices(grouped, picked, multiple, disabled):
    widget = (forms.SelectMultiple if multiple else forms.Select)(
        choices=grouped, attrs={"class": "form-select", "disabled": disabled, "data-x": '"<&>'}
    )
    value = picked if multiple else (picked[0] if picked else None)

    ours = widget.render("pick", value)
    djangos = widget.render("pick", value, renderer=DjangoTemplates())

    assert ours == djangos


def test_forum_filter_lists_every_forum_once_with_the_chosen_one_selected(db):
    forums = ForumFactory.create_batch(3)
    chosen = forums[1]
    form = MeetingFilterForm({"forum": str(chosen.pk)})

    html = str(form["forum"])

    assert html.count("<option") == 4  # "All" and each forum
    assert f'<option value="{chosen.pk}" selected>{chosen.name}</option>' in html
    djangos = form["forum"].field.widget.render(
        "forum", chosen.pk, attrs={"id": "id_forum"}, renderer=DjangoTemplates()
    )
    assert html == djangos
