"""An issue's endorsement, region and comment counters follow what people do."""

import pytest
from django.db import connection
from django.urls import reverse

from feedback.models import PracticeIssue
from feedback.selectors import search_issues
from feedback.services import issues as issue_services
from feedback.services import merging, routing
from feedback.services.counters import recount_issues
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.members import RegionFactory, UserFactory

from .test_concurrency import run_at_once

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and the stored search vector need PostgreSQL: set DATABASE_URL (CI does)",
)


def counts(issue) -> tuple[int, int, int]:
    issue = PracticeIssue.objects.get(pk=issue.pk)
    return issue.endorsement_count, issue.region_count, issue.comment_count


@pytest.mark.django_db
def test_endorse_issue_from_two_regions_counts_two_endorsements_and_two_regions():
    issue = PracticeIssueFactory()
    north, south = RegionFactory(), RegionFactory()
    for region in (north, north, south):
        issue_services.endorse_issue(issue, by=UserFactory(region=region))

    assert counts(issue) == (3, 2, 0)


@pytest.mark.django_db
def test_add_comment_and_information_count_as_comments():
    issue = PracticeIssueFactory()
    issue_services.add_comment(issue, by=UserFactory(), body="We see this too in our team.")
    issue_services.add_comment(issue, by=UserFactory(), body="And here, every week.")

    assert counts(issue) == (0, 0, 2)


@pytest.mark.django_db
def test_merge_and_unmerge_move_the_counts_and_back(loop):
    north = RegionFactory()
    duplicate = PracticeIssueFactory(origin_forum=loop.cfsn, raised_by=UserFactory(region=north))
    primary = PracticeIssueFactory(origin_forum=loop.cfsn)
    issue_services.endorse_issue(duplicate, by=UserFactory(region=north))
    issue_services.endorse_issue(primary, by=UserFactory(region=RegionFactory()))

    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    # The duplicate's endorser and its raiser, both from the north, now support the primary.
    assert counts(primary)[:2] == (3, 2)
    assert counts(duplicate) == (0, 0, 0)

    merging.unmerge_issue(duplicate, by=loop.cfsn_facilitator)
    assert counts(primary)[:2] == (1, 1)
    assert counts(duplicate)[:2] == (1, 1)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_endorse_issue_by_three_people_at_once_counts_three():
    issue = PracticeIssueFactory()
    people = [UserFactory(region=RegionFactory()) for _ in range(3)]

    run_at_once(*[lambda p=p: issue_services.endorse_issue(issue, by=p) for p in people])

    assert counts(issue) == (3, 3, 0)


@on_postgresql
@pytest.mark.django_db
def test_search_finds_an_issue_by_its_new_title_once_edited():
    issue = PracticeIssueFactory(title="Interpreters booked too late", description="Intake.")

    PracticeIssue.objects.filter(pk=issue.pk).update(title="Transport to family meetings")

    found = search_issues(PracticeIssue.objects.all(), "transport")
    assert list(found) == [PracticeIssue.objects.get(pk=issue.pk)]
    assert not search_issues(PracticeIssue.objects.all(), "interpreters").exists()
    assert "search_vector" in str(found.query)
    assert "to_tsvector" not in str(found.query)


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


@pytest.mark.django_db
def test_comment_removed_by_an_administrator_is_no_longer_counted(
    admin_client, django_capture_on_commit_callbacks
):
    issue = PracticeIssueFactory()
    comment = issue_services.add_comment(issue, by=UserFactory(), body="We see this too.")
    issue_services.add_comment(issue, by=UserFactory(), body="And here, every week.")

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:feedback_comment_delete", args=[comment.pk]), {"post": "yes"}
        )

    assert counts(issue) == (0, 0, 1)


@pytest.mark.django_db
def test_account_deleted_with_its_endorsements_is_no_longer_counted(
    admin_client, django_capture_on_commit_callbacks
):
    issue = PracticeIssueFactory()
    leaving, staying = UserFactory(region=RegionFactory()), UserFactory(region=RegionFactory())
    issue_services.endorse_issue(issue, by=leaving)
    issue_services.endorse_issue(issue, by=staying)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:members_user_delete", args=[leaving.pk]), {"post": "yes"})

    assert counts(issue) == (1, 1, 0)


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["endorsement", "comment", "watch"])
def test_administrators_cannot_add_or_change_what_people_add_in_the_portal(admin_client, model):
    issue = PracticeIssueFactory()
    issue_services.endorse_issue(issue, by=UserFactory())
    issue_services.add_comment(issue, by=UserFactory(), body="We see this too.")
    row = {"endorsement": issue.endorsements, "comment": issue.comments, "watch": issue.watches}[
        model
    ].first()

    add = admin_client.get(reverse(f"admin:feedback_{model}_add"))
    change = admin_client.post(reverse(f"admin:feedback_{model}_change", args=[row.pk]), {})
    view = admin_client.get(reverse(f"admin:feedback_{model}_change", args=[row.pk]))

    assert add.status_code == 403
    assert change.status_code == 403
    assert view.status_code == 200


@pytest.mark.django_db
def test_merge_recounts_itself_and_queues_no_recount_per_endorsement_moved(
    django_capture_on_commit_callbacks,
):
    duplicate, primary = PracticeIssueFactory(), PracticeIssueFactory()
    for _ in range(3):
        issue_services.endorse_issue(duplicate, by=UserFactory())
    facilitator = UserFactory(is_superuser=True)

    with django_capture_on_commit_callbacks() as callbacks:
        routing.merge_issues(duplicate, into=primary, by=facilitator)

    recounts = [cb for cb in callbacks if getattr(cb, "func", None) is recount_issues]
    assert recounts == []
    assert counts(primary)[0] == primary.endorsements.count() > 3


@pytest.mark.django_db
def test_endorser_who_moves_region_on_their_profile_counts_for_the_new_region(
    client, django_capture_on_commit_callbacks
):
    north, south = RegionFactory(), RegionFactory()
    issues = [PracticeIssueFactory(), PracticeIssueFactory()]
    moving, neighbour = UserFactory(region=north), UserFactory(region=north)
    for issue in issues:
        issue_services.endorse_issue(issue, by=moving)
        issue_services.endorse_issue(issue, by=neighbour)
    client.force_login(moving)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("members:profile-edit"),
            {"display_name": "Moved South", "region": south.pk},
        )

    assert [counts(issue)[:2] for issue in issues] == [(2, 2), (2, 2)]


@pytest.mark.django_db
def test_endorser_whose_region_is_saved_outside_the_profile_counts_for_the_new_region(
    django_capture_on_commit_callbacks,
):
    north, south = RegionFactory(), RegionFactory()
    issue = PracticeIssueFactory()
    moving = UserFactory(region=north)
    issue_services.endorse_issue(issue, by=moving)
    issue_services.endorse_issue(issue, by=UserFactory(region=south))
    assert counts(issue)[:2] == (2, 2)

    moving.region = south
    with django_capture_on_commit_callbacks(execute=True):
        moving.save()

    assert counts(issue)[:2] == (2, 1)


@pytest.mark.django_db
def test_region_deleted_leaves_its_endorsers_counted_for_no_region(
    django_capture_on_commit_callbacks, monkeypatch
):
    # An issue a batch: each is recounted however many there are.
    monkeypatch.setattr("feedback.services.counters.RECOUNT_BATCH", 1)
    north, south = RegionFactory(), RegionFactory()
    issue, only_north = PracticeIssueFactory(), PracticeIssueFactory()
    northerner = UserFactory(region=north)
    issue_services.endorse_issue(issue, by=northerner)
    issue_services.endorse_issue(issue, by=UserFactory(region=south))
    issue_services.endorse_issue(only_north, by=northerner)
    assert (counts(issue)[:2], counts(only_north)[:2]) == ((2, 2), (1, 1))

    with django_capture_on_commit_callbacks(execute=True):
        north.delete()

    assert counts(issue)[:2] == (2, 1)
    assert counts(only_north)[:2] == (1, 0)
