import pytest
from django.core.cache import cache

from cop_portal.celery import app as celery_app
from tests.factories.members import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    # Hashing at full strength only slows the suite; behaviour is the same.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
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
