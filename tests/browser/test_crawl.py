"""Every page a person can reach from the navigation passes axe-core, for every role."""

from urllib.parse import urlsplit

import pytest

from .conftest import DEMO_ACCOUNTS, axe_violations, sign_in

pytestmark = pytest.mark.browser

# Pages outside the portal's own templates (Django's admin) and the sign-out
# confirmation, which would end the crawl, are not followed.
NOT_FOLLOWED = ("/admin/", "/accounts/logout/")
ANONYMOUS_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]


def nav_links(page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "nav[aria-label='Main'] a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    return [h for h in dict.fromkeys(hrefs) if h.startswith("/") and not h.startswith(NOT_FOLLOWED)]


def check_page(page, path: str, axe_source: str) -> list[str]:
    page.console_errors.clear()
    response = page.goto(path)
    problems = []
    if response is None or response.status != 200:
        problems.append(f"{path}: HTTP {response.status if response else 'no response'}")
    problems += [f"{path}: {v}" for v in axe_violations(page, axe_source)]
    problems += [f"{path}: console: {e}" for e in page.console_errors]
    return problems


def test_anonymous_pages_have_no_accessibility_violations(page, demo_data, axe_source):
    problems = [p for path in ANONYMOUS_PAGES for p in check_page(page, path, axe_source)]

    assert problems == []


@pytest.mark.parametrize("role", list(DEMO_ACCOUNTS))
def test_every_navigation_page_has_no_accessibility_violations(page, demo_data, axe_source, role):
    sign_in(page, DEMO_ACCOUNTS[role])
    to_visit = nav_links(page)
    seen: set[str] = set()
    problems: list[str] = []

    while to_visit:
        path = to_visit.pop(0)
        if urlsplit(path).path in seen:
            continue
        seen.add(urlsplit(path).path)
        problems += check_page(page, path, axe_source)
        to_visit += [link for link in nav_links(page) if urlsplit(link).path not in seen]

    assert len(seen) >= 4
    assert problems == []
