"""A page that keeps its plans keeps them for every query it makes, its template's too; a
page planned for its values plans every query for them, its template's too."""

import pytest
from django.db import connection
from django.template import engines
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject
from django.views import View

from cop_portal.views import KeptPlansMixin, PlannedForValuesMixin

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps plans"),
]


def _mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


def _prepared_after() -> str:
    return str(connection.connection.prepare_threshold)


class ModePage(KeptPlansMixin, View):
    """Draws the planner's mode, and after how many runs a statement is prepared, as its
    template finds them: read only while it is drawn."""

    searching = False

    def planned_for_values(self) -> bool:
        return self.searching

    def get(self, request):
        template = engines["django"].from_string("mode: {{ mode }}, prepared: {{ prepared }}")
        context = {"mode": SimpleLazyObject(_mode), "prepared": SimpleLazyObject(_prepared_after)}
        return TemplateResponse(request, template, context)


class ValuesPage(PlannedForValuesMixin, View):
    get = ModePage.get


@pytest.fixture(autouse=True)
def _kept_plans_on(settings):
    settings.DATABASE_KEPT_PLANS = True


def test_a_kept_page_draws_its_template_on_the_kept_plans(rf):
    own = _mode()

    response = ModePage.as_view()(rf.get("/"))
    response.render()  # as the handler does once the view has returned

    assert response.content == f"mode: force_generic_plan, prepared: {_prepared_after()}".encode()
    assert _mode() == own


def test_a_page_that_searches_is_planned_for_its_values(rf):
    own = _mode()

    response = ModePage.as_view(searching=True)(rf.get("/"))
    response.render()

    # Nothing prepared, nothing forced: each query is planned for what it is asked.
    assert response.content == f"mode: {own}, prepared: None".encode()


def test_a_page_planned_for_its_values_draws_its_template_for_them_too(rf):
    own = _mode()
    threshold = _prepared_after()

    response = ValuesPage.as_view()(rf.get("/"))
    response.render()

    assert response.content == f"mode: {own}, prepared: None".encode()
    assert _prepared_after() == threshold
