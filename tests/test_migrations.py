"""Data written under an earlier schema survives every later migration."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from members.mfa import MFAAdapter, is_encrypted

# The schema of the feedback loop before outcomes were tied to held meetings, time budgets,
# follow-through, matters arising, executive roles and reversible merges.
BEFORE = [
    ("members", "0002_notification_outbox"),
    ("forums", "0002_resource_file_random_path"),
    ("feedback", "0001_initial"),
]

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def old_apps():
    apps = _migrate(BEFORE)
    yield apps
    call_command("migrate", verbosity=0)


def _seed(apps) -> dict[str, int]:
    User = apps.get_model("members", "User")
    Region = apps.get_model("members", "Region")
    Forum = apps.get_model("forums", "Forum")
    Membership = apps.get_model("forums", "Membership")
    Meeting = apps.get_model("forums", "Meeting")
    AgendaItem = apps.get_model("forums", "AgendaItem")
    ActionItem = apps.get_model("forums", "ActionItem")
    PracticeIssue = apps.get_model("feedback", "PracticeIssue")
    Referral = apps.get_model("feedback", "Referral")
    Endorsement = apps.get_model("feedback", "Endorsement")
    IssueEvent = apps.get_model("feedback", "IssueEvent")
    Response = apps.get_model("feedback", "Response")

    start = dt.datetime(2026, 3, 4, 9, 30, tzinfo=dt.UTC)
    region = Region.objects.create(name="Northern", slug="northern")
    raiser = User.objects.create(email="raiser@example.org", display_name="Raiser")
    chair = User.objects.create(email="chair@example.org", display_name="Chair")
    cfsn = Forum.objects.create(
        name="Northern CFSN", slug="northern", tier="regional", region=region
    )
    strategic = Forum.objects.create(name="Strategic", slug="strategic", tier="strategic")
    Membership.objects.create(user=chair, forum=strategic, role="chair")
    Membership.objects.create(user=raiser, forum=strategic, role="member")
    meeting = Meeting.objects.create(
        forum=cfsn,
        title="March CFSN",
        start=start,
        end=start + dt.timedelta(hours=2),
        status="completed",
    )
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Intake delays")
    action = ActionItem.objects.create(
        forum=cfsn,
        meeting=meeting,
        title="Write to intake",
        owner=chair,
        due_date=dt.date(2026, 6, 1),
    )
    issue = PracticeIssue.objects.create(
        title="Intake delays",
        description="Referrals wait weeks for intake.",
        origin_forum=cfsn,
        current_forum=cfsn,
        status="responded",
        raised_by=raiser,
        submitted_at=start - dt.timedelta(days=20),
    )
    duplicate = PracticeIssue.objects.create(
        title="Intake waits",
        description="Same as above.",
        origin_forum=cfsn,
        status="merged",
        raised_by=chair,
        merged_into=issue,
    )
    Referral.objects.create(
        issue=issue,
        forum=cfsn,
        agenda_item=item,
        outcome="escalated",
        outcome_note="Seen in every region",
        left_at=start + dt.timedelta(minutes=40),
    )
    Referral.objects.create(
        issue=duplicate,
        forum=cfsn,
        agenda_item=AgendaItem.objects.create(meeting=meeting, position=2, title="Intake waits"),
        outcome="resolved",
        left_at=start - dt.timedelta(days=2),
    )
    Endorsement.objects.create(issue=issue, user=chair)
    IssueEvent.objects.create(issue=issue, actor=raiser, kind="raised", to_status="queued")
    Response.objects.create(
        issue=issue,
        decision="Fund two intake workers",
        owner=chair,
        due_date=dt.date(2026, 9, 30),
        scope="origin",
        action_item=action,
        recorded_by=chair,
    )
    return {"issue": issue.pk, "duplicate": duplicate.pk, "action": action.pk}


def test_migrate_forward_from_before_the_loop_changes_keeps_every_row(old_apps):
    ids = _seed(old_apps)

    apps = _migrate(_latest())

    PracticeIssue = apps.get_model("feedback", "PracticeIssue")
    issue = PracticeIssue.objects.get(pk=ids["issue"])
    assert (issue.title, issue.status, issue.current_forum.slug) == (
        "Intake delays",
        "responded",
        "northern",
    )
    assert PracticeIssue.objects.get(pk=ids["duplicate"]).merged_into_id == ids["issue"]
    referral = apps.get_model("feedback", "Referral").objects.get(issue_id=ids["issue"])
    assert (referral.outcome, referral.outcome_note, referral.agenda_item.title) == (
        "escalated",
        "Seen in every region",
        "Intake delays",
    )
    assert referral.out_of_session is False
    early = apps.get_model("feedback", "Referral").objects.get(issue_id=ids["duplicate"])
    assert (early.outcome, early.out_of_session, early.out_of_session_reason) == (
        "resolved",
        True,
        "Recorded before its meeting started.",
    )
    response = apps.get_model("feedback", "Response").objects.get(issue_id=ids["issue"])
    assert (response.decision, response.due_date, response.action_item_id) == (
        "Fund two intake workers",
        dt.date(2026, 9, 30),
        ids["action"],
    )
    assert (response.delivery_status, response.review_date) == ("planned", None)
    assert apps.get_model("forums", "ActionItem").objects.get(pk=ids["action"]).follows_progress
    assert (
        apps.get_model("feedback", "Endorsement").objects.filter(issue_id=ids["issue"]).count() == 1
    )
    assert (
        apps.get_model("feedback", "IssueEvent").objects.filter(issue_id=ids["issue"]).count() == 1
    )
    memberships = apps.get_model("forums", "Membership").objects.order_by("user__email")
    assert [(m.user.email, m.role) for m in memberships] == [
        ("chair@example.org", "chair"),
        ("raiser@example.org", "executive"),
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL builds indexes apart")
def test_issue_indexes_build_concurrently_so_the_issues_table_stays_writable():
    from io import StringIO

    out = StringIO()
    call_command("sqlmigrate", "feedback", "0005", stdout=out)
    sql = out.getvalue()

    assert "BEGIN;" not in sql
    for index in (
        "issue_newest_first_idx",
        "referral_open_at_forum_idx",
        "event_issue_time_idx",
        "comment_issue_time_idx",
    ):
        assert f'CREATE INDEX CONCURRENTLY "{index}"' in sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL builds indexes apart")
def test_queue_indexes_change_concurrently_so_stays_and_agendas_stay_writable():
    from io import StringIO

    stays, agendas = StringIO(), StringIO()
    call_command("sqlmigrate", "feedback", "0008", stdout=stays)
    call_command("sqlmigrate", "forums", "0011", stdout=agendas)

    assert "BEGIN;" not in stays.getvalue() + agendas.getvalue()
    # The new index is built before the old one goes.
    sql = stays.getvalue()
    built = sql.index('CREATE INDEX CONCURRENTLY "referral_open_stays_idx"')
    assert built < sql.index('DROP INDEX CONCURRENTLY IF EXISTS "referral_open_at_forum_idx"')
    assert 'CREATE INDEX CONCURRENTLY "agendaitem_meeting_order_idx"' in agendas.getvalue()


def _issue_table() -> tuple[list[str], str]:
    """The issues table's newest-first indexes (by name) and its storage settings."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'feedback_practiceissue' "
            "AND indexname LIKE 'issue_newest_%%' ORDER BY 1"
        )
        names = [name for (name,) in cursor.fetchall()]
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'feedback_practiceissue'")
        (options,) = cursor.fetchone()
    return names, str(options)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL builds indexes apart")
def test_newest_issues_index_is_replaced_concurrently_and_the_table_vacuumed_sooner():
    from io import StringIO

    out = StringIO()
    call_command("sqlmigrate", "feedback", "0014", stdout=out)
    sql = out.getvalue()
    names, options = _issue_table()
    _migrate([("feedback", "0013_kept_off_until")])
    names_before, options_before = _issue_table()
    call_command("migrate", verbosity=0)

    assert "BEGIN;" not in sql
    built = sql.index('CREATE INDEX CONCURRENTLY "issue_newest_read_idx"')
    assert 'INCLUDE ("status", "restricted", "raised_by_id")' in sql[built : sql.index(";", built)]
    assert built < sql.index('DROP INDEX CONCURRENTLY IF EXISTS "issue_newest_first_idx"')
    assert names == ["issue_newest_read_idx"]
    assert "autovacuum_vacuum_insert_threshold=100" in options
    assert "autovacuum_vacuum_threshold=200" in options
    # Undone, the old index and PostgreSQL's own vacuum settings are back.
    assert names_before == ["issue_newest_first_idx"]
    assert options_before == "None"


def test_counters_migration_counts_what_was_there(old_apps):
    """Issues endorsed and commented on before counters existed get their counts."""
    ids = _seed(old_apps)
    User = old_apps.get_model("members", "User")
    northern = old_apps.get_model("members", "Region").objects.get(slug="northern")
    endorser = User.objects.create(email="endorser@example.org", region=northern)
    old_apps.get_model("feedback", "Endorsement").objects.create(
        issue_id=ids["issue"], user=endorser
    )
    old_apps.get_model("feedback", "Comment").objects.create(
        issue_id=ids["issue"], author=endorser, body="Same here."
    )

    apps = _migrate(_latest())

    issue = apps.get_model("feedback", "PracticeIssue").objects.get(pk=ids["issue"])
    assert (issue.endorsement_count, issue.region_count, issue.comment_count) == (2, 1, 1)


def test_two_factor_secrets_stored_in_clear_are_encrypted_by_the_migration():
    apps = _migrate(
        [
            ("members", "0008_notification_recipient_without_own_index"),
            ("mfa", "0003_authenticator_type_uniq"),
        ]
    )
    member = apps.get_model("members", "User").objects.create(email="totp@example.org")
    apps.get_model("mfa", "Authenticator").objects.create(
        user=member, type="totp", data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    try:
        apps = _migrate(_latest())
        stored = apps.get_model("mfa", "Authenticator").objects.get(user_id=member.pk)
    finally:
        call_command("migrate", verbosity=0)

    assert is_encrypted(stored.data["secret"])
    assert MFAAdapter().decrypt(stored.data["secret"]) == "JBSWY3DPEHPK3PXP"
