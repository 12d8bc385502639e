import datetime as dt
import io
import json
import tarfile

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse

from forums.choices import MembershipRole
from forums.services.resources import add_resource
from members.models import User
from operations.backup import prune_backups
from tests.factories.feedback import CommentFactory, EndorsementFactory, PracticeIssueFactory
from tests.factories.forums import MeetingFactory, MembershipFactory
from tests.factories.members import NotificationFactory

# pg_dump reads the database from its own connection, so the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
UTC = dt.UTC


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def media_contents(media_root) -> dict[str, bytes]:
    return {
        path.relative_to(media_root).as_posix(): path.read_bytes()
        for path in media_root.rglob("*")
        if path.is_file()
    }


def backup() -> str:
    out = io.StringIO()
    call_command("backup", stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def restore(archive, *, force=False) -> str:
    out = io.StringIO()
    call_command("restore", archive, force=force, stdout=out)
    return out.getvalue()


def portal_with_a_file():
    """A forum with a meeting, an issue with endorsements and comments, and an uploaded paper."""
    meeting = MeetingFactory()
    facilitator = MembershipFactory(forum=meeting.forum, role=MembershipRole.FACILITATOR).user
    member = MembershipFactory(forum=meeting.forum).user
    issue = PracticeIssueFactory(raised_by=member, origin_forum=meeting.forum)
    EndorsementFactory(issue=issue)
    CommentFactory(issue=issue)
    NotificationFactory(recipient=member)
    resource = add_resource(
        meeting.forum,
        by=facilitator,
        title="Agenda papers",
        file=SimpleUploadedFile("papers.pdf", PDF),
        meeting=meeting,
    )
    return resource, member


def rewrite_archive(source, target, *, change):
    """A copy of the archive with `change(name, data) -> data` applied to every member."""
    with tarfile.open(source, "r:gz") as original, tarfile.open(target, "w:gz") as copy:
        for member in original:
            data = change(member.name, original.extractfile(member).read())
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            copy.addfile(info, io.BytesIO(data))


def test_backup_wipe_restore_brings_back_every_row_and_file(client, settings):
    resource, member = portal_with_a_file()
    rows_before = row_counts()
    files_before = media_contents(settings.MEDIA_ROOT)
    archive = backup()
    call_command("flush", interactive=False)
    for path in settings.MEDIA_ROOT.rglob("*"):
        if path.is_file():
            path.unlink()

    output = restore(archive)

    vendor = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}[connection.vendor]
    assert output == f"Restored the {vendor} database and 1 uploaded file from {archive}.\n"
    assert row_counts() == rows_before
    assert rows_before["members.User"] == 4
    assert rows_before["forums.Resource"] == 1
    assert media_contents(settings.MEDIA_ROOT) == files_before
    assert list(files_before.values()) == [PDF]
    client.force_login(User.objects.get(pk=member.pk))
    response = client.get(reverse("forums:resource-download", kwargs={"pk": resource.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_backup_writes_one_archive_named_for_the_utc_time_with_its_manifest(settings, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 2, 10, 30, tzinfo=UTC), tick=False)
    portal_with_a_file()

    archive = backup()

    assert archive == str(settings.BACKUP_DIR / "cop-portal-20261202T103000Z.tar.gz")
    assert [p.name for p in settings.BACKUP_DIR.iterdir()] == ["cop-portal-20261202T103000Z.tar.gz"]
    with tarfile.open(archive) as written:
        names = written.getnames()
        manifest = json.load(written.extractfile("manifest.json"))
    database_file = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
    assert manifest["created_at"] == "2026-12-02T10:30:00+00:00"
    assert manifest["database"] == {
        "vendor": connection.vendor,
        "file": database_file[connection.vendor],
    }
    applied = MigrationRecorder(connection).applied_migrations()
    assert manifest["migrations"]["members"] == max(n for a, n in applied if a == "members")
    assert manifest["portal"]["version"] == "0.1.0"
    media = [entry for entry in manifest["files"] if entry["path"].startswith("media/")]
    assert len(media) == 1
    assert media[0]["size"] == len(PDF)
    assert media[0]["path"].endswith("/papers.pdf")
    assert sorted(names) == sorted(
        ["manifest.json", database_file[connection.vendor], media[0]["path"]]
    )


def test_restore_into_a_database_with_portal_data_is_refused_without_force(settings):
    portal_with_a_file()
    archive = backup()

    with pytest.raises(CommandError) as refused:
        restore(archive)

    assert str(refused.value) == (
        "The database already holds portal data. Restoring replaces all of it; "
        "run the restore again with --force if that is what you want."
    )


def test_restore_with_force_replaces_newer_rows_and_files(settings):
    resource, _ = portal_with_a_file()
    rows_before = row_counts()
    archive = backup()
    stored_name = resource.file.name
    User.objects.create(email="later@example.org")
    resource.file.delete(save=False)
    (settings.MEDIA_ROOT / "stray.txt").write_text("added after the backup")

    restore(archive, force=True)

    assert row_counts() == rows_before
    assert User.objects.filter(email="later@example.org").exists() is False
    assert media_contents(settings.MEDIA_ROOT) == {stored_name: PDF}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's restore copies the whole file"
)
def test_restore_of_an_archive_older_than_the_schema_replaces_what_newer_migrations_made(
    settings,
):
    """The bad day an archive is for often follows an upgrade: the database holds tables the
    archive's code never made, some pointing at tables the archive brings back."""
    portal_with_a_file()
    rows_before = row_counts()
    archive = backup()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE later_table (id integer PRIMARY KEY, "
            "user_id bigint REFERENCES members_user (id))"
        )
        cursor.execute("INSERT INTO later_table VALUES (1, %s)", [User.objects.first().pk])

    restore(archive, force=True)

    assert row_counts() == rows_before
    assert "later_table" not in connection.introspection.table_names()


def test_restore_of_a_damaged_archive_is_refused_and_changes_nothing(settings, tmp_path):
    resource, _ = portal_with_a_file()
    archive = backup()
    damaged = tmp_path / "cop-portal-20261202T103000Z.tar.gz"
    rewrite_archive(
        archive,
        damaged,
        change=lambda name, data: (
            data.replace(b"Catalog", b"Katalog") if name.startswith("media/") else data
        ),
    )
    User.objects.create(email="later@example.org")

    with pytest.raises(CommandError) as refused:
        restore(damaged, force=True)

    assert str(refused.value) == (
        f"media/{resource.file.name} in {damaged.name} does not match its checksum: "
        "the archive is damaged. Restore from another archive."
    )
    assert User.objects.filter(email="later@example.org").exists() is True
    assert media_contents(settings.MEDIA_ROOT) == {resource.file.name: PDF}


def test_restore_of_another_databases_archive_is_refused(tmp_path):
    archive = backup()
    other = {"postgresql": "sqlite", "sqlite": "postgresql"}[connection.vendor]
    names = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}

    def claim_other_vendor(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["database"]["vendor"] = other
        return json.dumps(manifest).encode()

    relabelled = tmp_path / "relabelled.tar.gz"
    rewrite_archive(archive, relabelled, change=claim_other_vendor)

    with pytest.raises(CommandError) as refused:
        restore(relabelled)

    assert str(refused.value) == (
        f"relabelled.tar.gz holds a {names[other]} database, but this portal uses "
        f"{names[connection.vendor]}. Restore it into a portal configured for {names[other]}."
    )


def test_restore_of_a_missing_archive_is_refused(tmp_path):
    with pytest.raises(CommandError) as refused:
        restore(tmp_path / "cop-portal-20261202T103000Z.tar.gz")

    assert str(refused.value) == (
        f"There is no archive at {tmp_path / 'cop-portal-20261202T103000Z.tar.gz'}."
    )


# Pruning reads only file names, so it needs no database.
@pytest.mark.django_db(transaction=False)
def test_prune_backups_deletes_old_archives_but_keeps_the_newest_and_other_files(tmp_path):
    names = [
        "cop-portal-20261101T020000Z.tar.gz",  # 31 days old
        "cop-portal-20261117T020000Z.tar.gz",  # 15 days old
        "cop-portal-20261118T030000Z.tar.gz",  # 13 days 23 hours old
        "cop-portal-20261201T020000Z.tar.gz",
        "cop-portal-20261202T020000Z.tar.gz",
        "notes.txt",
        "cop-portal-manual-copy.tar.gz",
        ".cop-portal-abc123",
    ]
    for name in names:
        (tmp_path / name).write_text(name)

    deleted = prune_backups(
        tmp_path,
        retention_days=14,
        keep_min=3,
        now=dt.datetime(2026, 12, 2, 2, 0, tzinfo=UTC),
    )

    assert [p.name for p in deleted] == [
        "cop-portal-20261101T020000Z.tar.gz",
        "cop-portal-20261117T020000Z.tar.gz",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".cop-portal-abc123",
        "cop-portal-20261118T030000Z.tar.gz",
        "cop-portal-20261201T020000Z.tar.gz",
        "cop-portal-20261202T020000Z.tar.gz",
        "cop-portal-manual-copy.tar.gz",
        "notes.txt",
    ]


@pytest.mark.django_db(transaction=False)
def test_prune_backups_keeps_the_newest_even_when_all_are_old(tmp_path):
    for day in (1, 2, 3, 4):
        (tmp_path / f"cop-portal-202609{day:02d}T020000Z.tar.gz").write_text("old")

    deleted = prune_backups(
        tmp_path, retention_days=14, keep_min=3, now=dt.datetime(2026, 12, 2, tzinfo=UTC)
    )

    assert [p.name for p in deleted] == ["cop-portal-20260901T020000Z.tar.gz"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cop-portal-20260902T020000Z.tar.gz",
        "cop-portal-20260903T020000Z.tar.gz",
        "cop-portal-20260904T020000Z.tar.gz",
    ]


def test_backup_command_prunes_by_the_retention_settings(settings, time_machine):
    settings.BACKUP_RETENTION_DAYS = 7
    settings.BACKUP_KEEP_MIN = 1
    settings.BACKUP_DIR.mkdir(parents=True)
    (settings.BACKUP_DIR / "cop-portal-20261120T020000Z.tar.gz").write_text("old")
    (settings.BACKUP_DIR / "cop-portal-20261130T020000Z.tar.gz").write_text("recent")
    time_machine.move_to(dt.datetime(2026, 12, 2, 2, 0, tzinfo=UTC), tick=False)

    backup()

    assert sorted(p.name for p in settings.BACKUP_DIR.iterdir()) == [
        "cop-portal-20261130T020000Z.tar.gz",
        "cop-portal-20261202T020000Z.tar.gz",
    ]
