"""The admin at state scale: lists that cost the same however long the table, and change forms
that never offer every row of a growing table to choose from."""

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    ForeignKeyRawIdWidget,
    ManyToManyRawIdWidget,
)
from django.contrib.auth.models import Group, Permission
from django.forms import ModelChoiceField
from django.urls import reverse
from django.utils import timezone

from feedback.admin import IssueEventAdmin
from forums.models import Forum, MeetingSeries
from members.models import Organisation, PracticeArea, Region
from practice.models import GuidanceItem
from tests.factories.feedback import (
    CommentFactory,
    IssueEventFactory,
    PracticeIssueFactory,
    ReferralFactory,
)
from tests.factories.forums import (
    AgendaItemFactory,
    ForumFactory,
    MeetingFactory,
    MembershipFactory,
)
from tests.factories.members import UserFactory

pytestmark = pytest.mark.django_db

# Tables of reference data, a few dozen rows however long the portal runs: a form may offer
# all of them. Any other table grows, and a form names a row of it another way.
FEW_ROWS = {
    Forum,
    Region,
    Organisation,
    PracticeArea,
    Group,
    Permission,
    GuidanceItem,
    MeetingSeries,
}
CHOOSERS = (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    ForeignKeyRawIdWidget,
    ManyToManyRawIdWidget,
)


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def _forms_of(model_admin, request):
    """The forms an administrator may fill in on this admin's pages: its own, and each
    inline's, where they may add or change."""
    if model_admin.has_add_permission(request) or model_admin.has_change_permission(request):
        yield type(model_admin).__name__, model_admin.get_form(request)
    for inline in model_admin.get_inline_instances(request):
        if inline.has_add_permission(request, None) or inline.has_change_permission(request):
            yield type(inline).__name__, inline.get_formset(request).form


def _widget(field):
    return getattr(field.widget, "widget", field.widget)  # inside the add/change links


def test_no_admin_form_offers_every_row_of_a_growing_table(rf, superuser):
    request = rf.get("/admin/")
    request.user = superuser
    offending = []
    for model_admin in admin.site._registry.values():
        for name, form in _forms_of(model_admin, request):
            for field_name, field in form.base_fields.items():
                if not isinstance(field, ModelChoiceField):  # and its multiple choice kin
                    continue
                chosen_from = field.queryset.model
                if chosen_from not in FEW_ROWS and not isinstance(_widget(field), CHOOSERS):
                    offending.append(f"{name}.{field_name} lists every {chosen_from.__name__}")

    assert offending == []


def _rows(html: str) -> list[str]:
    return re.findall(r'<th class="field-[a-z_]+"><a href="[^"]+">([^<]+)</a>', html)


@pytest.mark.parametrize("size", [2, 30])
def test_issue_events_list_newest_first_in_the_same_queries_at_any_size(
    admin_client, size, django_assert_num_queries
):
    issue = PracticeIssueFactory()
    start = timezone.now() - dt.timedelta(days=size)
    for n in range(size):
        IssueEventFactory(issue=issue, created_at=start + dt.timedelta(days=n), note=f"Step {n}")

    url = reverse("admin:feedback_issueevent_changelist")
    admin_client.get(url)  # the admin's own lookups (content types) are kept after one

    with django_assert_num_queries(4):
        response = admin_client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert f"{size} issue events" in html
    listed = response.context["cl"].result_list
    assert [event.note for event in listed][:2] == [f"Step {size - 1}", f"Step {size - 2}"]


def test_a_long_list_is_counted_as_far_as_its_pages_reach(admin_client, monkeypatch):
    monkeypatch.setattr(IssueEventAdmin, "list_per_page", 2)
    monkeypatch.setattr(IssueEventAdmin, "list_count_cap", 5)
    issue = PracticeIssueFactory()
    for n in range(8):
        IssueEventFactory(issue=issue, note=f"Step {n}")
    url = reverse("admin:feedback_issueevent_changelist")

    first = admin_client.get(url)
    last = admin_client.get(url, {"p": 3})
    past = admin_client.get(url, {"p": 4})
    searched = admin_client.get(url, {"q": issue.reference})

    html = " ".join(first.content.decode().split())
    assert "More than 5 issue events: the first 5 are listed." in html
    assert [e.note for e in first.context["cl"].result_list] == ["Step 7", "Step 6"]
    assert [e.note for e in last.context["cl"].result_list] == ["Step 3"]
    assert past.status_code == 302  # Django's admin sends a page past the end back to the list
    assert "More than 5 results" in " ".join(searched.content.decode().split())
    assert 'class="showall"' not in html


def test_issue_rows_are_searched_by_the_issue_reference(admin_client):
    issue, other = PracticeIssueFactory(), PracticeIssueFactory()
    IssueEventFactory(issue=issue, note="Mine")
    IssueEventFactory(issue=other, note="Theirs")
    CommentFactory(issue=issue, body="We see this too.")
    CommentFactory(issue=other, body="And here.")
    events = reverse("admin:feedback_issueevent_changelist")
    comments = reverse("admin:feedback_comment_changelist")

    by_reference = admin_client.get(events, {"q": issue.reference})
    by_number = admin_client.get(comments, {"q": str(other.pk)})
    by_words = admin_client.get(events, {"q": "Mine"})

    assert [e.note for e in by_reference.context["cl"].result_list] == ["Mine"]
    assert [c.body for c in by_number.context["cl"].result_list] == ["And here."]
    assert list(by_words.context["cl"].result_list) == []
    assert "An issue&#x27;s reference, such as PI-01234" in by_words.content.decode()


def test_issues_are_searched_by_their_words_or_their_reference(admin_client):
    wanted = PracticeIssueFactory(title="Hydrotherapy places are booked too late")
    other = PracticeIssueFactory(title="Interpreters are booked too late")
    url = reverse("admin:feedback_practiceissue_changelist")

    dated = PracticeIssueFactory(title="Intake changed in 2024")
    by_words = admin_client.get(url, {"q": "hydrotherapy"})
    by_reference = admin_client.get(url, {"q": other.reference})
    by_number = admin_client.get(url, {"q": str(wanted.pk)})
    by_year = admin_client.get(url, {"q": "2024"})

    assert list(by_words.context["cl"].result_list) == [wanted]
    assert list(by_reference.context["cl"].result_list) == [other]
    assert list(by_number.context["cl"].result_list) == [wanted]
    assert list(by_year.context["cl"].result_list) == [dated]


@pytest.mark.parametrize("size", [2, 30])
def test_issue_change_page_links_its_timeline_in_the_same_queries_at_any_size(
    admin_client, size, django_assert_num_queries
):
    issue = PracticeIssueFactory()
    for _ in range(size):
        IssueEventFactory(issue=issue)
        ReferralFactory(issue=issue, forum=ForumFactory())

    url = reverse("admin:feedback_practiceissue_change", args=[issue.pk])
    admin_client.get(url)  # the admin's own lookups (content types) are kept after one

    with django_assert_num_queries(9):
        response = admin_client.get(url)

    html = response.content.decode()
    assert f'/admin/feedback/issueevent/?q={issue.reference}">Its events' in html


@pytest.mark.parametrize("size", [2, 30])
def test_forum_change_page_links_its_members_in_the_same_queries_at_any_size(
    admin_client, size, django_assert_num_queries
):
    forum = ForumFactory()
    for _ in range(size):
        MembershipFactory(forum=forum)

    url = reverse("admin:forums_forum_change", args=[forum.pk])
    admin_client.get(url)  # the admin's own lookups (content types) are kept after one

    with django_assert_num_queries(5):
        response = admin_client.get(url)

    members = admin_client.get(
        reverse("admin:forums_membership_changelist"), {"forum__id__exact": forum.pk}
    )
    assert f'/admin/forums/membership/?forum__id__exact={forum.pk}">Its memberships' in (
        response.content.decode()
    )
    assert len(members.context["cl"].result_list) == size


@pytest.mark.parametrize("size", [2, 30])
def test_meeting_change_page_links_its_agenda_in_the_same_queries_at_any_size(
    admin_client, size, django_assert_num_queries
):
    meeting = MeetingFactory()
    for n in range(size):
        AgendaItemFactory(meeting=meeting, position=n, title=f"Item {n}")

    url = reverse("admin:forums_meeting_change", args=[meeting.pk])
    admin_client.get(url)  # the admin's own lookups (content types) are kept after one

    with django_assert_num_queries(7):
        response = admin_client.get(url)

    agenda = admin_client.get(
        reverse("admin:forums_agendaitem_changelist"), {"meeting__id__exact": meeting.pk}
    )
    assert "Item 0" not in response.content.decode()
    assert len(agenda.context["cl"].result_list) == size


@pytest.mark.parametrize("size", [2, 30])
def test_comment_page_names_its_issue_without_listing_the_others(
    admin_client, size, django_assert_num_queries
):
    issues = [PracticeIssueFactory(title=f"Issue number {n}") for n in range(size)]
    comment = CommentFactory(issue=issues[0], body="We see this too.")

    url = reverse("admin:feedback_comment_change", args=[comment.pk])
    admin_client.get(url)  # the admin's own lookups (content types) are kept after one

    with django_assert_num_queries(5):
        response = admin_client.get(url)

    html = response.content.decode()
    assert "Issue number 0" in html
    assert "Issue number 1" not in html


def test_every_admin_that_adds_rows_asks_for_the_rows_they_belong_to(rf, superuser):
    request = rf.get("/admin/")
    request.user = superuser
    missing = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_add_permission(request):
            continue
        form = model_admin.get_form(request)
        for field in model._meta.concrete_fields:
            required_key = (field.many_to_one or field.one_to_one) and not field.null
            if required_key and field.name not in form.base_fields:
                missing.append(f"{model.__name__}.{field.name}")

    assert missing == []
