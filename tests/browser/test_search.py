"""A signed-in member searches the portal from the header, sees results of every kind they
may see, and follows one."""

import pytest
from playwright.sync_api import expect

from tests.factories.members import PASSWORD
from tests.search.world import SearchWorld, build_search_world

from .conftest import axe_violations, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def search_world(transactional_db) -> SearchWorld:
    return build_search_world()


def test_member_searches_from_the_header_and_follows_a_result(page, search_world, axe_source):
    practitioner = search_world.people["practitioner"]
    sign_in(page, practitioner.email, PASSWORD)

    header = page.get_by_role("search", name="Portal")
    header.get_by_label("Search the portal").fill("kinship")
    header.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Results for “kinship”")
    expect(page.get_by_label("Search for")).to_have_value("kinship")
    kinds = page.get_by_role("navigation", name="Kinds of result")
    for label in (
        "All 7",
        "Practice issues 2",
        "Meetings 1",
        "Minutes and decisions 1",
        "Library 2",
        "Consultations 1",
    ):
        expect(kinds.get_by_role("link", name=label)).to_be_visible()
    expect(page.get_by_role("heading", name="Practice issues", level=2)).to_be_visible()
    also = page.get_by_role("region", name="Also found")
    for label in ("Meetings: 1", "Minutes and decisions: 1", "Library: 2", "Consultations: 1"):
        expect(also.get_by_role("link", name=label)).to_be_visible()
    expect(page.locator("mark", has_text="Kinship").first).to_be_visible()
    # What the member may not see is not there at all.
    expect(page.get_by_text("Kinship carers in the south")).to_have_count(0)
    expect(page.get_by_text("Kinship draft meeting")).to_have_count(0)
    assert axe_violations(page, axe_source) == []

    also.get_by_role("link", name="Minutes and decisions: 1").click()
    expect(page.get_by_role("link", name="Minutes and decisions 1")).to_have_attribute(
        "aria-current", "page"
    )
    page.get_by_role("link", name="February meeting").click()

    expect(page.get_by_role("heading", name="Minutes", level=2)).to_be_visible()
    expect(page.get_by_text("Kinship carers spoke about respite.")).to_be_visible()


def test_search_with_nothing_found_suggests_what_to_try(page, search_world, axe_source):
    sign_in(page, search_world.people["other_region"].email, PASSWORD)

    header = page.get_by_role("search", name="Portal")
    header.get_by_label("Search the portal").fill("walrus")
    header.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", name="Nothing found for “walrus”")).to_be_visible()
    expect(page.get_by_role("link", name="the library")).to_be_visible()
    assert axe_violations(page, axe_source) == []
