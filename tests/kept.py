"""Reading a page as one reader, for the tests of kept page parts (cop_portal.kept)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def shown_to(client, url: str, reader, *, status: int = 200) -> tuple[str, int]:
    """The page at `url` as `reader` is shown it, and how many queries it took."""
    client.force_login(reader)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status
    return response.content.decode(), len(queries)
