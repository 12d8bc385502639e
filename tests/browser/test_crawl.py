"""Every page a person can reach by following links, for every role, passes axe-core."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from feedback import demo
from feedback.models import PracticeIssue
from forums.models import Forum, Meeting

from .conftest import DEMO_ACCOUNTS, axe_violations, sign_in

pytestmark = pytest.mark.browser

# Not followed: Django's own admin, sign-out (it would end the crawl), downloads, exports
# and calendar feeds (not pages), uploaded files.
NOT_FOLLOWED = re.compile(
    r"^/(admin/|accounts/logout/|media/|static/)|\.(ics|csv|xlsx|pdf)$|/feed/|/download"
)
ANONYMOUS_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
MAX_PAGES_PER_ROLE = 120


def deep_pages(role: str) -> list[str]:
    """Pages the demo data makes reachable only from one particular record, added so
    every kind of page is checked by the role that uses it."""
    issue = PracticeIssue.objects.get
    north = Forum.objects.get(slug="northern-cfsn")
    next_meeting = Meeting.objects.open_for_items().filter(forum=north).first()
    if role == "practitioner":
        return [
            reverse("feedback:issue-edit", args=[issue(title=demo.DRAFT).pk]),
            reverse("feedback:issue-provide-information", args=[issue(title=demo.INFO).pk]),
            reverse("feedback:issue-comment", args=[issue(title=demo.QUEUED).pk]),
        ]
    if role == "facilitator":
        return [
            reverse("forums:agenda-edit", args=[next_meeting.pk]),
            reverse("forums:resource-add", args=[north.slug]),
            reverse("feedback:forum-queue", args=[north.slug]),
        ]
    if role == "executive":
        return [reverse("feedback:issue-respond", args=[issue(title=demo.STRATEGIC).pk])]
    return [reverse("feedback:forum-queue", args=["statewide"])]


def page_kind(path: str) -> str:
    """Pages that differ only by ids are one kind: /forums/meetings/12/ ~ /forums/meetings/N/."""
    return re.sub(r"/\d+(?=/|$)", "/N", urlsplit(path).path)


def links_on(page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    found = []
    for href in hrefs:
        if (
            not href.startswith("/")
            or href.startswith("//")
            or NOT_FOLLOWED.search(urlsplit(href).path)
        ):
            continue
        found.append(href.split("#")[0])
    return list(dict.fromkeys(found))


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
def test_every_reachable_page_has_no_accessibility_violations(page, demo_data, axe_source, role):
    sign_in(page, DEMO_ACCOUNTS[role])
    to_visit = deep_pages(role) + links_on(page)
    seen: set[str] = set()
    problems: list[str] = []

    while to_visit and len(seen) < MAX_PAGES_PER_ROLE:
        path = to_visit.pop(0)
        if page_kind(path) in seen:
            continue
        seen.add(page_kind(path))
        problems += check_page(page, path, axe_source)
        to_visit += [link for link in links_on(page) if page_kind(link) not in seen]

    assert len(seen) >= 5
    assert problems == []


def test_error_pages_have_no_accessibility_violations(page, demo_data, axe_source):
    forbidden = reverse("feedback:forum-queue", args=["northern-cfsn"])
    problems = []
    for path in ["/no-such-page/"]:
        page.goto(path)
        problems += [f"{path}: {v}" for v in axe_violations(page, axe_source)]
    sign_in(page, DEMO_ACCOUNTS["practitioner"])
    for path, status in [("/no-such-page/", 404), (forbidden, 403)]:
        response = page.goto(path)
        assert response.status == status
        assert page.locator("nav[aria-label=Main]").is_visible()
        problems += [f"{path}: {v}" for v in axe_violations(page, axe_source)]

    assert problems == []
