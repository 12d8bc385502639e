import pytest

from .world import SearchWorld, build_search_world


@pytest.fixture
def search_world(db) -> SearchWorld:
    return build_search_world()
