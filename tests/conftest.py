import contextlib
import datetime as dt

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.storage import storages as django_storages
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from cop_portal import cache as cop_portal_cache
from cop_portal.celery import app as celery_app
from insights.models import Export
from tests.factories.members import PASSWORD, UserFactory


@pytest.fixture(scope="session", autouse=True)
def _fast_hashing():
    # Hashing at full strength only slows the suite; behaviour is the same. For the whole
    # session, so that rows written before a test's own fixtures (kept_demo) are hashed alike.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _exports_apart(tmp_path_factory):
    # Prepared exports are written to a folder of the test run's own, never to var/.
    storages = {
        **django_settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path_factory.mktemp("exports"))},
        },
    }
    with override_settings(STORAGES=storages):
        # A FileField takes its storage when the model is loaded, before this override.
        field = Export._meta.get_field("file")
        loaded, field.storage = field.storage, django_storages["exports"]
        yield
        field.storage = loaded


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    # Tasks run in-process unless a test asks for the real worker.
    celery_app.conf.task_always_eager = True
    cache.clear()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def member(db):
    return UserFactory()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def broker_down():
    """Tasks are sent (not run in-process) to a broker that refuses connections."""
    # The URL tasks are published to (the worker's own URL, from the environment, stays).
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    # Connections are pooled per process; drop the pool so the next message uses the new URL.
    celery_app._after_fork()
    yield
    celery_app.conf.broker_write_url = None
    celery_app._after_fork()


class KeptDemo:
    """The demo, seeded once per test process and written back for each test that needs it.

    `seed_demo` takes seconds, and many tests start from the demo. The rows the last seeding
    wrote are kept in memory and copied back (COPY on PostgreSQL) while a seeding now would
    write the same rows: into a database holding what it held then, with the same settings,
    on the same day and within KEPT_FOR of it. Otherwise it seeds, and keeps those rows.
    """

    KEPT_FOR = dt.timedelta(minutes=15)

    def __init__(self) -> None:
        self.kept: dict | None = None

    def seed(self) -> None:
        now = timezone.now()
        conditions = {"rows before": self._rows_before(), "settings": self._settings()}
        kept = self.kept
        if (
            kept is not None
            and kept["conditions"] == conditions
            and timezone.localdate(now) == timezone.localdate(kept["seeded_at"])
            and dt.timedelta(0) <= now - kept["seeded_at"] < self.KEPT_FOR
        ):
            self._write(kept["rows"])
            return
        call_command("seed_demo", verbosity=0)
        self.kept = {"conditions": conditions, "seeded_at": now, "rows": self._read()}

    @staticmethod
    def _settings() -> str:
        """Every setting (MEDIA_ROOT, PASSWORD_HASHERS ...) and whether tasks run in-process."""
        names = sorted(name for name in dir(django_settings) if name.isupper())
        values = [(name, getattr(django_settings, name)) for name in names]
        return repr([*values, ("tasks eager", celery_app.conf.task_always_eager)])

    @contextlib.contextmanager
    def rolled_back(self):
        """The demo for the duration of the block, in a transaction rolled back after it."""
        with transaction.atomic():
            self.seed()
            yield
            transaction.set_rollback(True)
        ContentType.objects.clear_cache()

    def _advance_sequences(self, cursor) -> None:
        """Each id sequence past the ids written, and never back (rollbacks keep setval)."""
        quote = connection.ops.quote_name
        sequence = "pg_get_serial_sequence(%s, %s)"
        for model in self._models():
            if model._meta.pk.get_internal_type() not in AUTO_FIELDS:
                continue
            table, column = quote(model._meta.db_table), model._meta.pk.column
            highest = f"SELECT COALESCE(MAX({quote(column)}), 0) FROM {table}"  # noqa: S608
            cursor.execute(
                f"SELECT setval({sequence}, GREATEST(nextval({sequence}), ({highest})))",
                [table, column, table, column],
            )

    @staticmethod
    def _models() -> list:
        """The models whose tables a flush empties."""
        existing = set(connection.introspection.table_names())
        return [
            model
            for model in apps.get_models(include_auto_created=True)
            if not model._meta.proxy and model._meta.managed and model._meta.db_table in existing
        ]

    def _tables(self) -> dict[str, list[str]]:
        """Their tables, each with the columns rows are written to (not generated ones)."""
        return {
            model._meta.db_table: [
                field.column for field in model._meta.local_concrete_fields if not field.generated
            ]
            for model in self._models()
        }

    def _rows_before(self) -> list:
        """What the database holds: every row, except that of the content types and
        permissions, which every flush writes afresh under new ids, only how many."""
        afresh = {ContentType._meta.db_table, Permission._meta.db_table}
        return [
            (table, _how_many(rows) if table in afresh else rows) for table, _, rows in self._read()
        ]

    def _read(self) -> list[tuple[str, list[str], object]]:
        """Each table's rows: COPY's text on PostgreSQL, the values as stored on SQLite."""
        quote = connection.ops.quote_name
        rows = []
        with connection.cursor() as cursor:
            for table, columns in self._tables().items():
                names = ", ".join(map(quote, columns))
                if connection.vendor == "postgresql":
                    with cursor.copy(f"COPY {quote(table)} ({names}) TO STDOUT") as copy:
                        rows.append((table, columns, b"".join(bytes(block) for block in copy)))
                else:
                    # `+column` reads the value as stored, past the converters Django adds.
                    values = ", ".join(f"+{quote(column)}" for column in columns)
                    cursor.execute(f"SELECT {values} FROM {quote(table)}")  # noqa: S608 - table names
                    rows.append((table, columns, cursor.fetchall()))
        return rows

    def _write(self, rows: list[tuple[str, list[str], object]]) -> None:
        """Replace what every table holds with the rows kept, in one transaction."""
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in connection.ops.sql_flush(no_style(), [table for table, *_ in rows]):
                cursor.execute(statement)
            for table, columns, table_rows in rows:
                names = ", ".join(map(quote, columns))
                if connection.vendor == "postgresql":
                    with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                        copy.write(table_rows)
                else:
                    places = ", ".join(["%s"] * len(columns))
                    insert = f"INSERT INTO {quote(table)} ({names}) VALUES ({places})"  # noqa: S608
                    cursor.executemany(insert, table_rows)
            if connection.vendor == "postgresql":
                self._advance_sequences(cursor)
        # Content types were cached under the ids these rows replaced.
        ContentType.objects.clear_cache()


AUTO_FIELDS = {"AutoField", "BigAutoField", "SmallAutoField"}


def _how_many(rows: bytes | list) -> int:
    return rows.count(b"\n") if isinstance(rows, bytes) else len(rows)


@pytest.fixture(scope="session")
def kept_demo() -> KeptDemo:
    """`kept_demo.seed()` in place of `call_command("seed_demo")` in a database that holds
    nothing else; `with kept_demo.rolled_back():` for a module's tests that read the demo."""
    return KeptDemo()


@pytest.fixture
def cache_unreachable(settings):
    """Redis as the portal reaches it, with nothing listening: connections are refused at
    once, and the portal carries on without it (cop_portal.cache)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "cop_portal.cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    cop_portal_cache._memory.clear()
    yield
    cop_portal_cache._memory.clear()
