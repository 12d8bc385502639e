"""Reading a page as one reader, for the tests of kept page parts (cop_portal.kept)."""

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext


def shown_to(client, url: str, reader, *, status: int = 200) -> tuple[str, int]:
    """The page at `url` as `reader` is shown it, and how many queries it took."""
    client.force_login(reader)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status
    return response.content.decode(), len(queries)


def begun(view_class, url: str, reader, **kwargs):
    """`reader`'s request for `url`, begun: its view has read the forum, meeting or issue it
    is about, and not yet its kept parts. Finish it with `view.get_context_data()`."""
    request = RequestFactory().get(url)
    request.user = reader
    view = view_class()
    view.setup(request, **kwargs)
    view.get_permission_object()
    if hasattr(view, "get_object"):
        view.object = view.get_object()
    return view
