import sys
import textwrap
from contextlib import redirect_stdout
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

# sqlmigrate opens a schema editor, which SQLite refuses inside a test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)

ON_POSTGRESQL = django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

INITIAL = """
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Gadget",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=50)),
            ],
        ),
    ]
"""


@pytest.fixture
def app_with_migrations(settings, tmp_path, monkeypatch):
    """Installs an app, under tmp_path, whose migrations are the given sources."""
    installed = []

    def install(label: str, **migrations: str) -> str:
        package = tmp_path / label
        (package / "migrations").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "migrations" / "__init__.py").write_text("")
        (package / "migrations" / "0001_initial.py").write_text(INITIAL)
        for name, source in migrations.items():
            (package / "migrations" / f"{name}.py").write_text(textwrap.dedent(source))
        monkeypatch.syspath_prepend(str(tmp_path))
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, label]
        installed.append(label)
        return label

    yield install
    for module in [m for m in sys.modules if m.split(".")[0] in installed]:
        del sys.modules[module]


def lint(*args) -> tuple[int, str]:
    """The linter's exit status and what it printed."""
    printed = StringIO()
    with redirect_stdout(printed):
        try:
            call_command("lintmigrations", *args)
        except SystemExit as exit_:
            return exit_.code, printed.getvalue()
    return 0, printed.getvalue()


# Judged as PostgreSQL runs them (`make checks` in CI): SQLite rebuilds a table for most
# changes, which reads as unsafe whatever the change.
@pytest.mark.skipif(not ON_POSTGRESQL, reason="migrations are judged as PostgreSQL runs them")
def test_lintmigrations_on_the_portal_finds_no_unsafe_migration():
    status, printed = lint()

    assert status == 0, printed
    assert "Erroneous migrations: 0/" in printed


def test_lintmigrations_not_null_column_on_an_existing_table_fails(app_with_migrations):
    label = app_with_migrations(
        "unsafe_columns",
        **{
            "0002_gadget_size": """
            from django.db import migrations, models


            class Migration(migrations.Migration):
                dependencies = [("unsafe_columns", "0001_initial")]
                operations = [
                    migrations.AddField("gadget", "size", models.IntegerField(default=0)),
                ]
            """
        },
    )

    status, printed = lint(label)

    assert status == 1
    assert "(unsafe_columns, 0001_initial)... IGNORE" in printed
    assert "(unsafe_columns, 0002_gadget_size)... ERR\n\tNOT NULL constraint on columns" in printed


def test_lintmigrations_index_added_concurrently_passes(app_with_migrations):
    label = app_with_migrations(
        "concurrent_index",
        **{
            "0002_gadget_name_idx": """
            from django.db import migrations, models

            from cop_portal.migration_operations import AddIndexConcurrently


            class Migration(migrations.Migration):
                atomic = False
                dependencies = [("concurrent_index", "0001_initial")]
                operations = [
                    AddIndexConcurrently(
                        "gadget", models.Index(fields=["name"], name="gadget_name_idx")
                    ),
                ]
            """
        },
    )

    status, printed = lint(label)

    assert status == 0, printed
    assert "(concurrent_index, 0002_gadget_name_idx)... OK" in printed


@pytest.mark.skipif(not ON_POSTGRESQL, reason="migrations are judged as PostgreSQL runs them")
def test_lintmigrations_plain_index_on_an_existing_table_fails_on_postgresql(
    app_with_migrations,
):
    label = app_with_migrations(
        "plain_index",
        **{
            "0002_gadget_name_idx": """
            from django.db import migrations, models


            class Migration(migrations.Migration):
                dependencies = [("plain_index", "0001_initial")]
                operations = [
                    migrations.AddIndex(
                        "gadget", models.Index(fields=["name"], name="gadget_plain_idx")
                    ),
                ]
            """
        },
    )

    status, printed = lint(label)

    assert status == 1
    assert "(plain_index, 0002_gadget_name_idx)... ERR\n\tCREATE INDEX locks table" in printed
