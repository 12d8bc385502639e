import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_KEY = "k7#Qz!p2Vw9@Lm4$Rt8^Yx1&Nb6*Hc3(Jd5)Fg0_Sa7-Ue2=Oi9+"


def run_manage(*args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "DJANGO_ENV",
            "DEBUG",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_without_secret_key_refuses_to_start():
    result = run_manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="example.org")

    assert result.returncode != 0
    assert "Production mode needs SECRET_KEY" in result.stderr


def test_production_with_embedded_default_key_refuses_to_start():
    result = run_manage(
        "check",
        DJANGO_ENV="production",
        ALLOWED_HOSTS="example.org",
        SECRET_KEY="embedded-mode-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    )

    assert result.returncode != 0
    assert "Production mode needs SECRET_KEY" in result.stderr


def test_production_check_deploy_reports_no_issues():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="example.org",
        DATABASE_URL="postgres://cop:cop@127.0.0.1:5432/cop_portal",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_embedded_mode_is_debug_with_sqlite_and_eager_tasks():
    result = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.EMAIL_BACKEND)",
        DJANGO_ENV="embedded",
        CELERY_BROKER_URL="memory://",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


@pytest.mark.parametrize("value", ["staging", "prod"])
def test_unknown_mode_refuses_to_start(value):
    result = run_manage("check", DJANGO_ENV=value)

    assert result.returncode != 0
    assert "DJANGO_ENV must be 'embedded' or 'production'" in result.stderr


def env_example(*, uncommented: bool = False) -> dict[str, str | None]:
    """The settings .env.example shows, with the value it shows (None: a name only), or only
    those it sets (`uncommented`)."""
    values: dict[str, str | None] = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        match = re.match(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match and not (uncommented and match.group(1)):
            values[match.group(2)] = match.group(3) or None
    return values


def test_env_example_copied_as_it_is_changes_no_default():
    """Copied to .env for the compose stack, whose containers read it, it must not carry the
    embedded mode's defaults (eager tasks, optional two-factor) into production."""
    assert env_example(uncommented=True) == {}


def test_env_example_names_every_setting_read_from_the_environment():
    settings_source = (BASE_DIR / "cop_portal" / "settings.py").read_text()
    read = set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", settings_source))

    missing = read - set(env_example())

    assert read >= {"SECRET_KEY", "MFA_REQUIRED", "TRUSTED_PROXY_COUNT"}
    assert missing == set()


def test_env_example_values_start_the_embedded_portal():
    values = {name: value for name, value in env_example().items() if value is not None}
    values.pop("DATABASE_URL")  # the test keeps its own database out of var/
    values.pop("POSTGRES_PASSWORD")  # the compose stack's, not the portal's

    result = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s; print(s.MFA_REQUIRED, s.ADMIN_URL)",
        **values,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "admin/"]


def test_production_keeps_connections_ten_minutes_and_checks_them_before_use():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])",
        DJANGO_ENV="production",
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="example.org",
        DATABASE_URL="postgres://cop@127.0.0.1:5432/cop_portal",
    )

    assert result.stdout.strip().splitlines()[-1] == "600 True", result.stderr


def test_database_pool_gives_each_process_a_psycopg_pool_instead_of_persistent_connections():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['OPTIONS']['pool'], d['CONN_MAX_AGE'])",
        DATABASE_URL="postgres://cop@127.0.0.1:5432/cop_portal",
        DATABASE_POOL="true",
        DATABASE_POOL_MAX_SIZE="4",
    )

    assert result.stdout.strip().splitlines()[-1] == "{'min_size': 2, 'max_size': 4} 0", (
        result.stderr
    )


@pytest.mark.parametrize(
    ("prepared", "expected"),
    [
        ({}, "True 5"),
        ({"DATABASE_PREPARE_THRESHOLD": "2"}, "True 2"),
        ({"DATABASE_PREPARED_STATEMENTS": "false"}, "None None"),
    ],
)
def test_postgresql_connections_prepare_repeated_statements_unless_told_not_to(prepared, expected):
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS']; "
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))",
        DATABASE_URL="postgres://cop@127.0.0.1:5432/cop_portal",
        **prepared,
    )

    assert result.stdout.strip().splitlines()[-1] == expected, result.stderr


def test_database_replica_url_sends_insights_to_the_replica():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.INSIGHTS_DATABASE, settings.DATABASES['replica']['HOST'])",
        DATABASE_URL="postgres://cop@127.0.0.1:5432/cop_portal",
        DATABASE_REPLICA_URL="postgres://cop@replica.internal:5432/cop_portal",
    )

    assert result.stdout.strip().splitlines()[-1] == "replica replica.internal", result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DJANGO_ENV": "embedded"}, "300"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "300"),
        ({}, "0"),
    ],
    ids=["embedded", "production with redis", "production without redis"],
)
def test_page_parts_are_kept_only_where_every_process_shares_the_cache(env, expected):
    production = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": PRODUCTION_KEY,
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": "postgres://cop@127.0.0.1:5432/cop_portal",
    }
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.PAGE_PARTS_CACHE_SECONDS)",
        **{**production, **env},
    )

    assert result.stdout.strip().splitlines()[-1] == expected, result.stderr
