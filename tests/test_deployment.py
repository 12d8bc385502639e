"""The production-like stack is described by files no engine can run here; read them."""

import datetime as dt
import io
import logging
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from django.conf import settings
from django.urls import reverse
from gunicorn.config import Config

from cop_portal.access_log import AccessLogger
from operations.logs import SecretsFilter, without_secrets

BASE_DIR = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def test_compose_defines_the_production_like_services():
    services = compose()["services"]

    assert set(services) == {
        "db",
        "redis",
        "migrate",
        "web",
        "worker",
        "exports-worker",
        "beat",
        "nginx",
        "backup",
        "mail",
    }
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")


def test_compose_services_have_health_checks_and_data_on_named_volumes():
    spec = compose()
    services = spec["services"]

    for name in ("db", "redis", "web", "worker", "nginx"):
        assert "test" in services[name]["healthcheck"], name
    assert set(spec["volumes"]) >= {"postgres-data", "redis-data", "media"}
    assert "postgres-data:/var/lib/postgresql/data" in services["db"]["volumes"]


def test_compose_app_services_run_in_production_mode_on_postgres_and_redis():
    services = compose()["services"]

    for name in ("web", "worker", "beat", "backup"):
        environment = services[name]["environment"]
        assert environment["DJANGO_ENV"] == "production", name
        assert environment["DATABASE_URL"].startswith("postgres://"), name
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379"), name
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy", name


def test_compose_web_and_worker_share_the_prepared_exports_and_nginx_never_sees_them():
    spec = compose()
    services = spec["services"]

    # The image is built in /app, where EXPORTS_ROOT defaults to var/exports.
    assert Path(settings.EXPORTS_ROOT) == BASE_DIR / "var" / "exports"
    assert "exports" in spec["volumes"]
    for name in ("web", "worker", "exports-worker"):
        assert "exports:/app/var/exports" in services[name]["volumes"], name
    assert not any(volume.startswith("exports:") for volume in services["nginx"]["volumes"])
    assert not any(volume.startswith("exports:") for volume in services["backup"]["volumes"])


def test_compose_exports_have_a_worker_of_their_own_so_emails_never_wait_behind_them():
    services = compose()["services"]
    command = services["exports-worker"]["command"]

    assert services["web"]["environment"]["CELERY_EXPORTS_QUEUE"] == "exports"
    assert command[command.index("-Q") + 1] == "exports"
    assert "--concurrency=1" in command
    assert "-Q" not in services["worker"]["command"]
    assert "test" in services["exports-worker"]["healthcheck"]


def test_compose_emails_go_to_a_service_of_the_stack_unless_told_otherwise():
    services = compose()["services"]
    default = services["web"]["environment"]["EMAIL_URL"].removeprefix("${EMAIL_URL:-")

    assert default.startswith("smtp://mail:")
    assert default.rstrip("}").rsplit(":", 1)[1] == "1025"
    assert "test" in services["mail"]["healthcheck"]
    # Its page of every email sent is for this machine only.
    assert all(port.startswith("127.0.0.1:") for port in services["mail"]["ports"])


def test_compose_migrates_once_before_any_portal_service_starts():
    services = compose()["services"]
    portal = [
        name for name, service in services.items() if "DJANGO_ENV" in service.get("environment", {})
    ]

    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert services["migrate"]["restart"] == "no"
    assert "migrate" not in services["migrate"]["depends_on"]
    for name in set(portal) - {"migrate"}:
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }, name
        assert "migrate" not in " ".join(services[name].get("command", [])), name
    assert services["web"]["command"][:2] == ["gunicorn", "cop_portal.wsgi:application"]


def test_compose_backup_runs_the_backup_on_a_schedule_into_its_own_volume():
    spec = compose()
    backup = spec["services"]["backup"]
    command = " ".join(backup["command"])

    assert backup["image"] == spec["services"]["web"]["image"]
    assert "backups" in spec["volumes"]
    assert backup["environment"]["BACKUP_DIR"] == "/app/var/backups"
    assert backup["volumes"] == ["media:/app/var/media", "backups:/app/var/backups"]
    assert command.startswith("sh -c while true; do python manage.py backup;")
    assert 'sleep "$$BACKUP_INTERVAL_SECONDS"' in command
    assert backup["environment"]["BACKUP_INTERVAL_SECONDS"] == "${BACKUP_INTERVAL_SECONDS:-86400}"


def test_dockerfile_installs_a_postgresql_client_as_new_as_the_compose_server():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    server = compose()["services"]["db"]["image"].split(":")[1].split("-")[0]

    assert f"ARG POSTGRES_CLIENT_VERSION={server}\n" in dockerfile
    assert "postgresql-client-${POSTGRES_CLIENT_VERSION}" in dockerfile
    assert "mkdir -p /app/var/media /app/var/exports /app/var/backups" in dockerfile


def test_dockerfile_collects_static_files_and_runs_unprivileged():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()

    assert "FROM python:3.11" in dockerfile
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile
    assert "collectstatic" in dockerfile
    assert "\nUSER " in dockerfile


def test_collectstatic_in_production_mode_as_the_image_build_runs_it(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
    }
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="collectstatic-only-build-step-key-0000000000000000000000",
        ALLOWED_HOSTS="localhost",
        STATIC_ROOT=str(tmp_path),
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    assert (tmp_path / "vendor" / "bootstrap" / "bootstrap.min.css").exists()


def nginx_conf() -> str:
    return (BASE_DIR / "deploy" / "nginx.conf").read_text()


def nginx_location(prefix: str) -> str:
    """The body of one `location <prefix> { ... }` block of the nginx config."""
    config = nginx_conf()
    start = config.index(f"location {prefix} {{")
    return config[start : config.index("}", start)]


def test_compose_nginx_fronts_web_and_reads_media_read_only():
    services = compose()["services"]
    nginx = services["nginx"]

    assert nginx["image"].startswith("nginx:")
    assert nginx["depends_on"]["web"]["condition"] == "service_healthy"
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in nginx["volumes"]
    assert "media:/srv/media:ro" in nginx["volumes"]
    assert nginx["ports"] == ["${HTTP_PORT:-8000}:80"]
    assert "ports" not in services["web"]
    assert services["web"]["expose"] == ["8000"]
    assert "media:/app/var/media" in services["web"]["volumes"]


def test_compose_web_hands_downloads_to_nginx_and_others_do_not():
    services = compose()["services"]

    assert services["web"]["environment"]["MEDIA_ACCEL_REDIRECT_PREFIX"] == "/protected-media/"
    for name in ("worker", "beat"):
        assert "MEDIA_ACCEL_REDIRECT_PREFIX" not in services[name]["environment"], name


def test_nginx_protected_media_is_internal_and_aliases_the_media_volume():
    location = nginx_location("/protected-media/")

    assert "internal;" in location
    assert "alias /srv/media/;" in location
    assert 'add_header X-Content-Type-Options "nosniff" always;' in location


def test_nginx_proxies_to_gunicorn_with_forwarded_headers():
    location = nginx_location("/")

    assert "server web:8000;" in nginx_conf()
    assert "proxy_pass http://portal;" in location
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in location
    assert "proxy_set_header X-Forwarded-Proto $forwarded_proto;" in location
    assert "location /media/" not in nginx_conf()


def test_compose_app_services_read_every_setting_in_env():
    services = compose()["services"]
    app = [
        name for name, service in services.items() if "DJANGO_ENV" in service.get("environment", {})
    ]

    assert {"web", "worker", "beat"} <= set(app)
    for name in app:
        assert services[name]["env_file"] == [{"path": ".env", "required": False}], name


def test_access_logs_name_paths_but_never_query_strings_or_referrers():
    """What people search for is in a query string, where the privacy guard never looks."""
    command = " ".join(compose()["services"]["web"]["command"])
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    log_format = " ".join(
        line.strip()
        for line in nginx_conf().split("log_format portal", 1)[1].split(";")[0].splitlines()
    )

    for gunicorn in (command, dockerfile):
        assert "%(U)s" in gunicorn
        for field in ("%(r)s", "%(q)s", "%(f)s"):
            assert field not in gunicorn
    assert "$logged_uri" in log_format
    assert "$request " not in log_format
    assert "$args" not in log_format
    assert "$http_referer" not in log_format
    assert "access_log /var/log/nginx/access.log portal;" in nginx_conf()


# --- Secrets in paths --------------------------------------------------------------------


def secret_paths() -> dict[str, str]:
    """The portal's addresses that carry a secret, each with what the logs keep of it."""
    return {
        reverse("forums:calendar-feed", args=["s3cretToken_-"]): "/forums/feed/[token].ics",
        reverse(
            "account_reset_password_from_key", kwargs={"uidb36": "3k", "key": "c9z3ab-s3cret"}
        ): "/accounts/password/reset/key/[key]/",
        reverse(
            "account_confirm_email", args=["MTI:1vabc:s3cret"]
        ): "/accounts/confirm-email/[key]/",
        reverse("members:notification-unsubscribe", args=["s3cret.token"]): (
            "/notifications/unsubscribe/[token]/"
        ),
    }


def nginx_logged_uri(uri: str) -> str:
    """What deploy/nginx.conf's map makes of `uri` for its access log, read as nginx would:
    the first regex that matches, with its named captures put into the value."""
    block = nginx_conf().split("map $uri $logged_uri {", 1)[1].split("\n}", 1)[0]
    for line in block.strip().splitlines():
        pattern, value = line.strip().rstrip(";").rsplit(None, 1)
        if pattern == "default":
            continue
        found = re.match(pattern.strip('"').removeprefix("~").replace("(?<", "(?P<"), uri)
        if found:
            return re.sub(
                r"\$\{(\w+)\}", lambda name, found=found: found[name[1]], value.strip('"')
            )
    return uri


def test_access_logs_leave_out_the_secrets_some_paths_carry():
    command = compose()["services"]["web"]["command"]
    dockerfile = (BASE_DIR / "Dockerfile").read_text()

    for path, kept in secret_paths().items():
        assert "s3cret" in path
        assert without_secrets(path) == kept
        assert nginx_logged_uri(path) == kept
    for ordinary in (reverse("feedback:issue-list"), "/forums/feed/", "/accounts/login/"):
        assert without_secrets(ordinary) == ordinary
        assert nginx_logged_uri(ordinary) == ordinary
    assert command[command.index("--logger-class") + 1] == "cop_portal.access_log.AccessLogger"
    assert '"--logger-class", "cop_portal.access_log.AccessLogger"' in dockerfile


def test_gunicorns_access_log_line_holds_no_secret_query_or_referrer():
    log = AccessLogger(Config())
    path = reverse("forums:calendar-feed", args=["s3cretToken"])
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?q=kinship",
        "PATH_INFO": path,
        "QUERY_STRING": "q=kinship",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": "https://portal.example.org/search/?q=kinship",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])

    atoms = log.atoms(response, request, environ, dt.timedelta(milliseconds=5))

    shown = " ".join(str(value) for value in atoms.values())
    assert "s3cret" not in shown
    assert "kinship" not in shown
    assert atoms["r"] == "GET /forums/feed/[token].ics HTTP/1.1"


def console_lines(logger: logging.Logger):
    """Where `logger`'s records go, drawn as the portal's console handler draws them."""
    console = next(each for each in logging.getLogger().handlers if each.name == "console")
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(console.formatter)
    for each in console.filters:
        handler.addFilter(each)
    logger.addHandler(handler)
    return out, handler


@pytest.mark.django_db
def test_the_portals_log_of_a_failed_request_holds_no_secret_of_its_address(client):
    path = reverse("forums:calendar-feed", args=["s3cretToken"])
    out, handler = console_lines(logging.getLogger())
    try:
        response = client.get(path)
    finally:
        logging.getLogger().removeHandler(handler)

    assert response.status_code == 404
    assert "Not Found: /forums/feed/[token].ics" in out.getvalue()
    assert "s3cret" not in out.getvalue()


def test_gunicorns_error_log_names_addresses_without_secrets_or_searches():
    log = AccessLogger(Config())
    path = reverse("forums:calendar-feed", args=["s3cretToken"])
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    log.error_log.addHandler(handler)
    try:
        try:
            raise RuntimeError("the application failed")
        except RuntimeError:
            # As gunicorn's worker reports a request that raised.
            log.exception("Error handling request %s", f"{path}?q=kinship")
    finally:
        log.error_log.removeHandler(handler)

    assert "Error handling request /forums/feed/[token].ics?[query]" in out.getvalue()
    assert "s3cret" not in out.getvalue()
    assert "kinship" not in out.getvalue()


def test_a_log_line_drawn_from_its_arguments_holds_no_secret_of_an_address():
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(SecretsFilter())
    logger = logging.getLogger("tests.secrets")
    logger.addHandler(handler)
    try:
        logger.warning("Feed /forums/feed/%s.ics asked for %s times", "s3cretToken", 3)
        logger.warning("Gone: %(path)s", {"path": "/forums/feed/s3cretToken.ics?q=kinship"})
        logger.warning("Nothing secret in %s", "/issues/")
    finally:
        logger.removeHandler(handler)

    assert out.getvalue().splitlines() == [
        "Feed /forums/feed/[token].ics asked for 3 times",
        "Gone: /forums/feed/[token].ics?[query]",
        "Nothing secret in /issues/",
    ]
