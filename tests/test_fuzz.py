"""Odd values in every URL's path and query string never make the portal fail with a 500."""

import inspect
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from feedback.forms import ExecutiveFilterForm, IssueFilterForm
from feedback.services import routing
from forums.choices import MembershipRole
from forums.forms.scheduling import CalendarFilterForm, MeetingFilterForm
from practice.forms import GuidanceFilterForm
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.forums import (
    ActionItemFactory,
    AgendaItemFactory,
    CalendarFeedFactory,
    MeetingFactory,
    MembershipFactory,
    ResourceFactory,
)
from tests.factories.members import NotificationFactory, UserFactory
from tests.factories.practice import GuidanceItemFactory

FUZZ = [
    "\x00",
    "%00",
    "A" * 5000,
    "9" * 30,
    "-1",
    "-99999999999999999999",
    "0",
    "1e309",
    "ünïcødé 会议 🎉",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "",
    "' OR 1=1 --",
    "line\r\nbreak",
]

# Every GET parameter a view reads: the filter forms' fields, and those read by hand
# (grep request.GET), plus the Django admin's own.
QUERY_PARAMETERS = sorted(
    {
        *IssueFilterForm.base_fields,
        *ExecutiveFilterForm.base_fields,
        *MeetingFilterForm.base_fields,
        *CalendarFilterForm.base_fields,
        *GuidanceFilterForm.base_fields,
        "page",
        "month",
        "year",
        "next",
        "sort",
        "q",
        "status",
        "o",
        "p",
        "e",
        "_changelist_filters",
    }
)


def all_patterns(resolver=None, prefix="", namespace=""):
    """(name, route, view) for every named URL pattern, walking included URL confs."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += all_patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            route = prefix + str(entry.pattern)
            found.append((f"{namespace}{entry.name}", route, entry.callback))
    return found


def real_kwargs(route: str, world: dict) -> dict:
    """URL kwargs naming objects that exist, so the view gets past loading them."""
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    kwargs = {}
    for named in names:
        name = named[0] or named[1]
        if name == "pk":
            kwargs[name] = next(
                (pk for prefix, pk in world["pk_by_route"] if route.startswith(prefix)), 1
            )
        else:
            kwargs[name] = world.get(name, "1")
    return kwargs


def build(name: str, kwargs: dict) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None  # the converter does not take this value


@pytest.fixture
def world(db, settings):
    settings.MFA_REQUIRED = False
    facilitator = MembershipFactory(role=MembershipRole.FACILITATOR)
    forum = facilitator.forum
    meeting = MeetingFactory(forum=forum)
    item = AgendaItemFactory(meeting=meeting)
    issue = PracticeIssueFactory(origin_forum=forum)
    routing.place_on_agenda(issue, meeting=meeting, by=facilitator.user)
    admin = UserFactory(is_superuser=True, is_staff=True)
    NotificationFactory(recipient=admin)
    return {
        "admin": admin,
        "slug": forum.slug,
        "token": CalendarFeedFactory(user=admin).token,
        "item_pk": item.pk,
        "key": "no-such-key",
        "uidb36": "1",
        "object_id": str(meeting.pk),
        "content_type_id": "1",
        "pk_by_route": [
            ("forums/meetings/", meeting.pk),
            ("forums/actions/", ActionItemFactory(meeting=meeting).pk),
            ("forums/resources/", ResourceFactory(forum=forum).pk),
            ("forums/", facilitator.pk),  # a forum's members
            ("issues/", issue.pk),
            ("practice/library/", GuidanceItemFactory(url="", file="library/a/guide.pdf").pk),
        ],
    }


def client_as(role: str, world: dict) -> Client:
    client = Client(raise_request_exception=False)
    if role == "admin":
        client.force_login(world["admin"])
    return client


def is_admin_page(name: str) -> bool:
    return name.startswith("admin:")


def is_own_page(name: str) -> bool:
    return name == "home" or name.startswith(
        ("members:", "practice:", "forums:", "feedback:", "search:")
    )


def reads_query(callback) -> bool:
    """Whether the view, or a class it is built from, reads request.GET."""
    view = getattr(callback, "view_class", None)
    if view is None:
        return True
    return any("request.GET" in inspect.getsource(klass) for klass in view.__mro__[:-1])


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_fuzzed_path_values_never_give_a_server_error(world, role):
    client = client_as(role, world)
    failures = []
    for name, route, _ in all_patterns():
        # The admin's object pages share one view per model: its change page stands for them.
        if is_admin_page(name) and not name.endswith("_change"):
            continue
        base = real_kwargs(route, world)
        for kwarg in base:
            for value in FUZZ:
                url = build(name, {**base, kwarg: value})
                if url is not None and client.get(url).status_code >= 500:
                    failures.append(f"{name} {kwarg}={value[:40]!r}")

    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_fuzzed_query_parameters_never_give_a_server_error(world, role):
    client = client_as(role, world)
    failures = []
    for name, route, callback in all_patterns():
        if is_admin_page(name) and not name.endswith("_changelist"):
            continue
        url = build(name, real_kwargs(route, world))
        for value in FUZZ:
            query = urlencode(dict.fromkeys(QUERY_PARAMETERS, value))
            if client.get(f"{url}?{query}").status_code >= 500:
                failures.append(f"{name} ?…={value[:40]!r}")
        # One at a time, too, so no parameter hides behind another's refusal. Not for the
        # admin: Django's admin filters a foreign key by a number the database cannot hold
        # and fails (a fault in Django itself, and only for administrators).
        one_at_a_time = is_own_page(name) and reads_query(callback)
        for parameter in QUERY_PARAMETERS if one_at_a_time else []:
            query = urlencode({parameter: "9" * 30})
            if client.get(f"{url}?{query}").status_code >= 500:
                failures.append(f"{name} ?{parameter}={'9' * 30}")

    assert not failures, "\n".join(failures)
