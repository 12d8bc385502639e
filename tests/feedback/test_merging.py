"""Merging a duplicate, listing it on its primary, and undoing the merge exactly."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.choices import EventKind, IssueStatus, Outcome
from feedback.exceptions import TransitionNotAllowed
from feedback.models import Endorsement, MergeRecord, PracticeIssue, Referral, Watch
from feedback.services import issues as issue_services
from feedback.services import merging, routing
from forums.choices import MembershipRole
from members.models import Notification
from tests.factories.feedback import PracticeIssueFactory
from tests.factories.forums import ForumFactory, MembershipFactory
from tests.factories.members import UserFactory
from tests.feedback.test_concurrency import run_at_once


def endorsements_of(issue) -> list[tuple]:
    return sorted(Endorsement.objects.filter(issue=issue).values_list("user_id", "created_at"))


def watchers_of(issue) -> list[int]:
    return sorted(Watch.objects.filter(issue=issue).values_list("user_id", flat=True))


def path_of(issue) -> list[tuple]:
    return list(
        Referral.objects.filter(issue=issue)
        .order_by("pk")
        .values_list("pk", "forum_id", "agenda_item_id", "outcome", "outcome_note", "left_at")
    )


@pytest.fixture
def pair(loop):
    """A primary with endorsers and watchers of its own, and a duplicate from another region
    with two endorsers, one of whom endorses the primary too."""
    primary = PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake forms repeat")
    duplicate = PracticeIssueFactory(origin_forum=loop.other_cfsn, title="Same intake problem")
    routing.place_on_agenda(primary, meeting=loop.cfsn_meeting, by=loop.cfsn_facilitator)
    both, only_duplicate, only_primary = UserFactory(), UserFactory(), UserFactory()
    for user in (both, only_primary):
        issue_services.endorse_issue(primary, by=user)
    for user in (both, only_duplicate):
        issue_services.endorse_issue(duplicate, by=user)
    issue_services.set_watching(duplicate, by=loop.practitioner, watching=True)
    return PracticeIssue.objects.get(pk=primary.pk), PracticeIssue.objects.get(pk=duplicate.pk)


def test_merge_then_unmerge_restores_endorsements_watchers_status_and_forum(loop, pair):
    primary, duplicate = pair
    before = {
        "primary endorsements": endorsements_of(primary),
        "duplicate endorsements": endorsements_of(duplicate),
        "primary watchers": watchers_of(primary),
        "duplicate watchers": watchers_of(duplicate),
        "duplicate path": path_of(duplicate),
        "primary path": path_of(primary),
    }
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    assert Endorsement.objects.filter(issue=primary).count() == 4

    merging.unmerge_issue(duplicate, by=loop.cfsn_facilitator)

    duplicate.refresh_from_db()
    after = {
        "primary endorsements": endorsements_of(primary),
        "duplicate endorsements": endorsements_of(duplicate),
        "primary watchers": watchers_of(primary),
        "duplicate watchers": watchers_of(duplicate),
        "duplicate path": path_of(duplicate),
        "primary path": path_of(primary),
    }
    assert after == before
    assert (duplicate.status, duplicate.current_forum, duplicate.merged_into) == (
        IssueStatus.QUEUED,
        loop.other_cfsn,
        None,
    )
    assert duplicate.closed_at is None


def test_undoing_a_merge_whose_primary_was_merged_on_is_refused_until_that_one_is_undone(
    client, loop, pair
):
    _primary, duplicate = pair
    middle = PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake, second report")
    final = PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake, third report")
    routing.merge_issues(duplicate, into=middle, by=loop.cfsn_facilitator)
    routing.merge_issues(middle, into=final, by=loop.cfsn_facilitator)
    client.force_login(loop.cfsn_facilitator)

    refused = client.post(reverse("feedback:issue-unmerge", args=[duplicate.pk]), follow=True)
    with pytest.raises(TransitionNotAllowed, match="undo that merge first"):
        merging.unmerge_issue(duplicate, by=loop.cfsn_facilitator)
    merging.unmerge_issue(middle, by=loop.cfsn_facilitator)
    merging.unmerge_issue(duplicate, by=loop.cfsn_facilitator)

    assert f"{middle.reference} has since been merged into {final.reference}" in (
        refused.content.decode()
    )
    final.refresh_from_db()
    duplicate.refresh_from_db()
    assert final.endorsement_count == 0
    assert (duplicate.status, duplicate.endorsement_count) == (IssueStatus.QUEUED, 2)


def test_undoing_chained_merges_in_turn_gives_each_issue_back_exactly_its_own_endorsers(loop, pair):
    _primary, duplicate = pair
    middle = PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake, second report")
    final = PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake, third report")
    issue_services.endorse_issue(middle, by=UserFactory())
    before = {"duplicate": endorsements_of(duplicate), "middle": endorsements_of(middle)}
    routing.merge_issues(duplicate, into=middle, by=loop.cfsn_facilitator)
    routing.merge_issues(middle, into=final, by=loop.cfsn_facilitator)

    merging.unmerge_issue(middle, by=loop.cfsn_facilitator)
    merging.unmerge_issue(duplicate, by=loop.cfsn_facilitator)

    after = {"duplicate": endorsements_of(duplicate), "middle": endorsements_of(middle)}
    assert after == before
    middle.refresh_from_db()
    assert middle.endorsement_count == 1
    assert endorsements_of(final) == []


def test_a_merged_issue_cannot_be_endorsed_there(client, loop, pair):
    primary, duplicate = pair
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    duplicate.refresh_from_db()
    someone = UserFactory()
    client.force_login(someone)

    page = client.post(reverse("feedback:issue-endorse", args=[duplicate.pk]), follow=True)

    assert f"merged into {primary.reference}: endorse that one" in page.content.decode()
    assert not Endorsement.objects.filter(user=someone).exists()


def test_merge_endorsement_on_both_issues_is_kept_once_on_each_after_unmerge(loop, pair):
    primary, duplicate = pair
    shared = Endorsement.objects.get(issue=primary, user__in=duplicate.endorsements.values("user"))
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    assert Endorsement.objects.filter(issue=primary, user=shared.user).count() == 1

    merging.unmerge_issue(duplicate, by=loop.cfsn_facilitator)

    assert Endorsement.objects.filter(issue=primary, user=shared.user).get().pk == shared.pk
    assert Endorsement.objects.filter(issue=duplicate, user=shared.user).count() == 1


def test_unmerge_after_an_endorser_left_restores_the_others(loop, pair):
    primary, duplicate = pair
    leaving, staying = (endorsement.user for endorsement in duplicate.endorsements.order_by("pk"))
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    leaving.delete()

    merging.unmerge_issue(duplicate, by=loop.cfsn_facilitator)

    duplicate.refresh_from_db()
    assert duplicate.status != IssueStatus.MERGED
    assert [user_id for user_id, _at in endorsements_of(duplicate)] == [staying.pk]
    assert duplicate.endorsement_count == 1


def test_unmerge_keeps_what_people_did_on_the_primary_after_the_merge(loop, pair):
    primary, duplicate = pair
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    newcomer = UserFactory()
    issue_services.endorse_issue(primary, by=newcomer)

    merging.unmerge_issue(duplicate, by=loop.cfsn_facilitator)

    assert Endorsement.objects.filter(issue=primary, user=newcomer).count() == 1
    assert Watch.objects.filter(issue=primary, user=newcomer).count() == 1


def test_unmerge_records_it_on_both_timelines(loop, pair):
    primary, duplicate = pair
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)

    merging.unmerge_issue(duplicate, by=loop.cfsn_facilitator)

    duplicate_events = list(duplicate.events.values_list("kind", "from_status", "to_status"))
    primary_events = list(primary.events.values_list("kind", "actor"))
    assert duplicate_events[-2:] == [
        (EventKind.MERGED, IssueStatus.QUEUED, IssueStatus.MERGED),
        (EventKind.UNMERGED, IssueStatus.MERGED, IssueStatus.QUEUED),
    ]
    assert primary_events[-2:] == [
        (EventKind.MERGED, loop.cfsn_facilitator.pk),
        (EventKind.UNMERGED, loop.cfsn_facilitator.pk),
    ]
    assert primary.events.last().note == (
        f"{duplicate.reference} “Same intake problem” is no longer merged into this issue; "
        "its endorsements went back to it."
    )


def test_unmerge_twice_is_refused_the_second_time_and_changes_nothing(loop, pair):
    primary, duplicate = pair
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    merging.unmerge_issue(duplicate, by=loop.cfsn_facilitator)
    before = (endorsements_of(duplicate), endorsements_of(primary), duplicate.events.count())

    with pytest.raises(TransitionNotAllowed, match="not merged into another issue"):
        merging.unmerge_issue(duplicate, by=loop.cfsn_facilitator)

    after = (endorsements_of(duplicate), endorsements_of(primary), duplicate.events.count())
    assert after == before


def test_unmerged_issue_can_be_merged_and_unmerged_again(loop, pair):
    primary, duplicate = pair
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    merging.unmerge_issue(duplicate, by=loop.cfsn_facilitator)
    before = endorsements_of(duplicate)

    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    merging.unmerge_issue(duplicate, by=loop.cfsn_facilitator)

    assert endorsements_of(duplicate) == before
    assert list(MergeRecord.objects.filter(duplicate=duplicate, undone_at__isnull=True)) == []
    assert MergeRecord.objects.filter(duplicate=duplicate).count() == 2


def test_provide_information_on_merged_issue_is_refused_and_it_stays_merged(loop, pair):
    primary, duplicate = pair
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)

    with pytest.raises(TransitionNotAllowed, match="No information is asked for"):
        issue_services.provide_information(duplicate, by=duplicate.raised_by, text="More")

    duplicate.refresh_from_db()
    assert duplicate.status == IssueStatus.MERGED


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("facilitator of the primary's forum", True),
        ("facilitator of the duplicate's forum only", False),
        ("submitter", False),
        ("administrator", True),
    ],
)
def test_unmerge_permission_follows_triage_of_the_primary(loop, pair, who, allowed):
    primary, duplicate = pair
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    duplicate = PracticeIssue.objects.get(pk=duplicate.pk)
    people = {
        "facilitator of the primary's forum": loop.cfsn_facilitator,
        "facilitator of the duplicate's forum only": MembershipFactory(
            forum=loop.other_cfsn, role=MembershipRole.FACILITATOR
        ).user,
        "submitter": duplicate.raised_by,
        "administrator": UserFactory(is_superuser=True),
    }

    got = people[who].has_perm("feedback.unmerge_issue", duplicate)

    assert got is allowed


def test_unmerge_view_by_someone_who_may_not_triage_is_refused_and_changes_nothing(
    client, loop, pair
):
    primary, duplicate = pair
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    client.force_login(duplicate.raised_by)

    response = client.post(reverse("feedback:issue-unmerge", args=[duplicate.pk]))

    duplicate.refresh_from_db()
    assert response.status_code == 403
    assert (duplicate.status, duplicate.merged_into) == (IssueStatus.MERGED, primary)


def test_unmerge_view_confirm_then_post_restores_and_says_so(client, loop, pair):
    primary, duplicate = pair
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    client.force_login(loop.cfsn_facilitator)
    url = reverse("feedback:issue-unmerge", args=[duplicate.pk])

    page = client.get(url).content.decode()
    response = client.post(url, follow=True)

    duplicate.refresh_from_db()
    assert f'is merged into <a href="{primary.get_absolute_url()}">' in page
    assert response.redirect_chain == [(duplicate.get_absolute_url(), 302)]
    assert (
        f"{duplicate.reference} is no longer merged into {primary.reference}: its endorsements, "
        "watchers and path are back." in response.content.decode()
    )
    assert duplicate.status == IssueStatus.QUEUED


def test_issue_detail_of_primary_lists_merged_duplicates_with_undo_for_its_facilitator(
    client, loop, pair
):
    primary, duplicate = pair
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    client.force_login(loop.cfsn_facilitator)

    html = client.get(primary.get_absolute_url()).content.decode()

    row = html.split('id="duplicates-heading"')[1].split("</tbody>")[0]
    assert f'<a href="{duplicate.get_absolute_url()}">{duplicate.reference}: Same intake' in row
    assert f"<td>{loop.other_cfsn.region.name}</td>" in row
    assert "<td>2</td>" in row
    assert reverse("feedback:issue-unmerge", args=[duplicate.pk]) in row


def test_issue_detail_of_primary_offers_no_undo_to_a_practitioner(client, loop, pair):
    primary, duplicate = pair
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    client.force_login(loop.practitioner)

    html = client.get(primary.get_absolute_url()).content.decode()

    assert duplicate.get_absolute_url() in html
    assert reverse("feedback:issue-unmerge", args=[duplicate.pk]) not in html


def test_issue_detail_of_duplicate_offers_undo_to_the_primarys_facilitator(client, loop, pair):
    primary, duplicate = pair
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    client.force_login(loop.cfsn_facilitator)

    html = client.get(duplicate.get_absolute_url()).content.decode()

    assert reverse("feedback:issue-unmerge", args=[duplicate.pk]) in html


def test_issue_detail_of_primary_names_a_restricted_duplicate_by_reference_only(client, loop):
    primary = PracticeIssueFactory(origin_forum=loop.cfsn, restricted=True)
    duplicate = PracticeIssueFactory(origin_forum=loop.cfsn, restricted=True, title="Secret")
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    client.force_login(loop.practitioner)

    html = client.get(primary.get_absolute_url()).content.decode()

    assert f">{duplicate.reference}</a>" in html
    assert "Secret" not in html


@pytest.mark.parametrize("duplicates", [1, 6])
def test_issue_detail_queries_do_not_grow_with_duplicates(
    client, loop, duplicates, django_assert_max_num_queries
):
    primary = PracticeIssueFactory(origin_forum=loop.cfsn)
    for _ in range(duplicates):
        duplicate = PracticeIssueFactory(origin_forum=ForumFactory())
        issue_services.endorse_issue(duplicate, by=UserFactory())
        routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    client.force_login(loop.cfsn_facilitator)

    with django_assert_max_num_queries(30):
        response = client.get(primary.get_absolute_url())

    assert response.content.decode().count("Undo merge<span") == duplicates


def test_issue_detail_queries_same_for_one_and_six_duplicates(client, loop):
    counts = []
    for size in (1, 6):
        primary = PracticeIssueFactory(origin_forum=loop.cfsn)
        for _ in range(size):
            duplicate = PracticeIssueFactory(origin_forum=ForumFactory())
            routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
        client.force_login(loop.cfsn_facilitator)
        with CaptureQueriesContext(connection) as queries:
            client.get(primary.get_absolute_url())
        counts.append(len(queries))

    assert counts[0] == counts[1]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL: set DATABASE_URL (CI does)",
)
@pytest.mark.django_db(transaction=True)
def test_unmerge_pressed_twice_at_once_restores_once(loop):
    primary = PracticeIssueFactory(origin_forum=loop.cfsn)
    duplicate = PracticeIssueFactory(origin_forum=loop.other_cfsn)
    endorser = UserFactory()
    issue_services.endorse_issue(duplicate, by=endorser)
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)

    def unmerge():
        return merging.unmerge_issue(duplicate, by=loop.cfsn_facilitator)

    outcomes = run_at_once(unmerge, unmerge)

    assert sum(isinstance(o, TransitionNotAllowed) for o in outcomes) == 1
    assert Endorsement.objects.filter(issue=duplicate, user=endorser).count() == 1
    assert duplicate.events.filter(kind=EventKind.UNMERGED).count() == 1
    assert Referral.objects.filter(issue=duplicate, left_at__isnull=True).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL: set DATABASE_URL (CI does)",
)
@pytest.mark.django_db(transaction=True)
def test_unmerge_while_the_primary_is_endorsed_keeps_both_changes(loop):
    primary = PracticeIssueFactory(origin_forum=loop.cfsn)
    duplicate = PracticeIssueFactory(origin_forum=loop.other_cfsn)
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    newcomer = UserFactory()

    outcomes = run_at_once(
        lambda: merging.unmerge_issue(duplicate, by=loop.cfsn_facilitator),
        lambda: issue_services.endorse_issue(primary, by=newcomer),
    )

    assert [type(o) for o in outcomes] == [PracticeIssue, Endorsement]
    assert list(primary.endorsements.values_list("user", flat=True)) == [newcomer.pk]


def test_merge_issues_closes_the_duplicates_path_with_outcome_merged(loop, pair):
    primary, duplicate = pair
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)

    outcomes = list(duplicate.referrals.values_list("outcome", flat=True))

    assert outcomes == [Outcome.MERGED]


def test_unmerge_permission_is_refused_for_a_merge_made_without_a_record(loop, pair):
    primary, duplicate = pair
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    MergeRecord.objects.filter(duplicate=duplicate).delete()

    allowed = loop.cfsn_facilitator.has_perm("feedback.unmerge_issue", duplicate)

    assert allowed is False


def test_unmerge_a_merge_made_without_a_record_is_refused_and_changes_nothing(loop, pair):
    primary, duplicate = pair
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    MergeRecord.objects.filter(duplicate=duplicate).delete()

    with pytest.raises(TransitionNotAllowed, match="cannot be undone exactly"):
        merging.unmerge_issue(duplicate, by=loop.cfsn_facilitator)

    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (IssueStatus.MERGED, primary)


def test_merge_into_a_restricted_primary_names_it_by_reference_only_to_the_duplicates_people(
    client, loop, django_capture_on_commit_callbacks
):
    primary = PracticeIssueFactory(
        origin_forum=loop.other_cfsn, restricted=True, title="Secret family situation"
    )
    duplicate = PracticeIssueFactory(
        origin_forum=loop.cfsn, restricted=True, raised_by=loop.practitioner
    )
    issue_services.set_watching(duplicate, by=loop.practitioner, watching=True)
    with django_capture_on_commit_callbacks(execute=True):
        routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    client.force_login(loop.practitioner)

    timeline = client.get(duplicate.get_absolute_url()).content.decode()
    notice = Notification.objects.get(recipient=loop.practitioner, subject__contains="Merged into")

    assert not loop.practitioner.has_perm("feedback.view_issue", primary)
    assert f"Merged into {primary.reference}, which you may not see." in timeline
    assert notice.body == f"Follow {primary.reference} from now on."
    assert "Secret family situation" not in timeline + notice.body


def test_merged_issue_page_links_to_a_primary_the_reader_may_see(client, loop, pair):
    primary, duplicate = pair
    routing.merge_issues(duplicate, into=primary, by=loop.cfsn_facilitator)
    client.force_login(loop.practitioner)

    page = client.get(duplicate.get_absolute_url()).content.decode()

    assert (
        f'Merged into <a class="alert-link" href="{primary.get_absolute_url()}">'
        f"{primary.reference}: Intake forms repeat</a>." in page
    )


def test_unmerge_of_a_restricted_duplicate_names_it_only_by_reference_to_one_who_may_not_read_it(
    client, loop
):
    primary = PracticeIssueFactory(origin_forum=loop.cfsn, title="Intake forms repeat")
    duplicate = PracticeIssueFactory(
        origin_forum=loop.other_cfsn, title="Zebrafinch family backlog", restricted=True
    )
    routing.merge_issues(duplicate, into=primary, by=UserFactory(is_superuser=True))
    duplicate.refresh_from_db()
    assert not loop.cfsn_facilitator.has_perm("feedback.view_issue", duplicate)
    client.force_login(loop.cfsn_facilitator)
    url = reverse("feedback:issue-unmerge", args=[duplicate.pk])

    page = client.get(url).content.decode()
    response = client.post(url, follow=True)

    assert "Zebrafinch" not in page
    assert f"Undo the merge of {duplicate.reference}</h1>" in page
    assert f'href="{primary.get_absolute_url()}">Back to the issue' in page
    assert response.redirect_chain == [(primary.get_absolute_url(), 302)]
    assert "Zebrafinch" not in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
