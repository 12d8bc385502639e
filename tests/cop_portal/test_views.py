"""A page that keeps its plans keeps them for every query it makes, its template's too."""

import pytest
from django.db import connection
from django.template import engines
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject
from django.views import View

from cop_portal.views import KeptPlansMixin

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps plans"),
]


def _mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


class ModePage(KeptPlansMixin, View):
    """Draws the planner's mode as its template finds it, read only while it is drawn."""

    searching = False

    def keeps_plans(self) -> bool:
        return not self.searching

    def get(self, request):
        template = engines["django"].from_string("mode: {{ mode }}")
        return TemplateResponse(request, template, {"mode": SimpleLazyObject(_mode)})


@pytest.fixture(autouse=True)
def _kept_plans_on(settings):
    settings.DATABASE_KEPT_PLANS = True


def test_a_kept_page_draws_its_template_on_the_kept_plans(rf):
    own = _mode()

    response = ModePage.as_view()(rf.get("/"))
    response.render()  # as the handler does once the view has returned

    assert response.content == b"mode: force_generic_plan"
    assert _mode() == own


def test_a_page_that_searches_is_left_to_postgresql(rf):
    own = _mode()

    response = ModePage.as_view(searching=True)(rf.get("/"))
    response.render()

    assert response.content == f"mode: {own}".encode()
