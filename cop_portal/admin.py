"""What every app's admin shares for tables that grow with the years.

Django's admin lists a table by counting all of it (twice when filtered), sorts it by any
column asked for, and offers each foreign key as a list of every row it may point to. At
state scale (100,000 issues, nearly a million events) a list took a second and a change
form fourteen megabytes. `LargeTableAdmin` keeps a list's cost flat, and the apps' admins
name each foreign key to a growing table as autocomplete, raw id or read-only (a test holds
every form to that)."""

from functools import cached_property

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

# How far a long list's pages reach: a hundred pages of a hundred.
LIST_COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """Pages that reach the first `cap` rows, counted only that far: past it the list says
    "more than" (templates/admin/pagination.html) instead of counting every row."""

    def __init__(self, object_list, per_page, *args, cap: int = LIST_COUNT_CAP, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        # Past one page the admin pages through slices; a cap of one page would list all.
        if cap <= int(per_page):
            raise ValueError("The cap must be more than one page.")
        self.cap = cap

    @cached_property
    def counted(self) -> int:
        """Rows up to one past the cap, in a count that stops there."""
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        return self.counted > self.cap


class SeenAsInThePortal:
    """Rows the portal shows only to some people (a restricted issue and what hangs off it, a
    draft meeting, minutes not yet published): a member of staff who is not an administrator
    finds here, in lists, forms and lookups alike, only the rows the portal would show them,
    by the same rules. `visible_rows` gives the condition for a person."""

    def visible_rows(self, user):
        raise NotImplementedError

    def get_queryset(self, request):
        return super().get_queryset(request).filter(self.visible_rows(request.user))


class MadeInThePortal:
    """Rows only the portal's services make, with their audit events and notices: never
    added in the admin, whose forms leave out the keys these rows need (read-only there) or
    could not make them as the services do."""

    def has_add_permission(self, request, obj=None):
        return False


class ReadHere(MadeInThePortal):
    """Rows only the portal's services make or change: read in the admin, never saved over
    (a save rewrites the whole row, counters and all, as the form read it)."""

    def has_change_permission(self, request, obj=None):
        return False


class GuardedText:
    """Text people read in the portal, changed here: each field named in `guarded`, when it
    was changed, is read by the same check of the privacy guard as in the portal's form, and
    refused beside the field with what was found. Text kept as it was passes (the portal's
    own papers carry dates the guard takes for dates of birth)."""

    guarded: dict = {}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        guarded = self.guarded

        class GuardedForm(form):
            def clean(self):
                cleaned = super().clean()
                for name, check in guarded.items():
                    if name in self.changed_data and cleaned.get(name):
                        try:
                            check(cleaned[name])
                        except ValidationError as found:
                            self.add_error(name, found)
                return cleaned

        return GuardedForm


class KeptForTheRecord:
    """Rows an issue's status and path are read from: removing one in the admin would leave
    them untrue (an issue "responded" with no response, "on an agenda" with no stay). They
    go only with their issue."""

    def has_delete_permission(self, request, obj=None):
        return False


class LargeTableAdmin(admin.ModelAdmin):
    """A list of a table that grows with the years: newest first by its key (the primary
    key's index), counted only as far as its pages reach, never counted whole beside a
    filtered list, and sorted only as it comes. Its search should read an index, or a table
    of a few thousand rows (people, forums) to find the ones it lists; rows are acted on one
    at a time."""

    ordering = ("-pk",)
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    sortable_by = ()
    actions = None
    list_count_cap = LIST_COUNT_CAP

    @property
    def list_max_show_all(self) -> int:
        # "Show all" lists every row unpaged: offered only below the cap, never past it.
        return min(admin.ModelAdmin.list_max_show_all, self.list_count_cap - 1)

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return CappedCountPaginator(
            queryset, per_page, orphans, allow_empty_first_page, cap=self.list_count_cap
        )


def list_link(model, label: str, **query) -> str:
    """A link to the admin's list of `model`, narrowed by `query` (a filter or a search): how
    a change form shows rows too many to list on it."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return format_html('<a href="{}?{}">{}</a>', url, urlencode(query), label)
