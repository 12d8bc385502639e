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
