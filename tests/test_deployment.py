"""The production-like stack is described by files no engine can run here; read them."""

from pathlib import Path

import yaml

BASE_DIR = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def test_compose_defines_the_production_like_services():
    services = compose()["services"]

    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")


def test_compose_services_have_health_checks_and_data_on_named_volumes():
    spec = compose()
    services = spec["services"]

    for name in ("db", "redis", "web", "worker"):
        assert "test" in services[name]["healthcheck"], name
    assert set(spec["volumes"]) >= {"postgres-data", "redis-data", "media"}
    assert "postgres-data:/var/lib/postgresql/data" in services["db"]["volumes"]


def test_compose_app_services_run_in_production_mode_on_postgres_and_redis():
    services = compose()["services"]

    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DJANGO_ENV"] == "production", name
        assert environment["DATABASE_URL"].startswith("postgres://"), name
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379"), name
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy", name


def test_compose_web_migrates_then_serves_with_gunicorn():
    command = " ".join(compose()["services"]["web"]["command"])

    assert command.index("migrate") < command.index("gunicorn")
    assert "cop_portal.wsgi" in command


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
