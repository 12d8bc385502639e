"""Every page a person can reach by following links, for every role, passes axe-core."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from feedback import demo, demo_advice
from feedback.models import PracticeIssue
from forums.models import Forum, Meeting

from .conftest import BASE_DIR, DEMO_ACCOUNTS, axe_violations, sign_in

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
    if role == "lead":
        waiting = issue(title=demo_advice.WAITING_FOR_ACCO)
        return [
            reverse("feedback:lead-queue"),
            reverse("feedback:issue-advise", args=[waiting.pk]),
        ]
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


SCREENSHOTS = BASE_DIR / "var" / "screenshots"
# A laptop, and a phone held upright.
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def layout_problems(page) -> list[str]:
    """At 390 px no page is wider than the screen; at 1280 px the main menu is one line."""
    width = page.viewport_size["width"]
    problems = []
    document_width = page.evaluate("() => document.documentElement.scrollWidth")
    if document_width > width:
        wide = page.evaluate(
            """(width) => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 1
                        && !e.closest('.table-responsive, .scroll-region'))
                .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' +
                    String(e.className).split(' ').join('.') : ''))""",
            width,
        )
        problems.append(f"{document_width} px wide at {width} px: {', '.join(wide)}")
    if width >= 1200:
        tops = page.evaluate(
            """() => [...new Set([...document.querySelectorAll('#main-nav > ul > li')]
                .map(li => Math.round(li.getBoundingClientRect().top)))]"""
        )
        if len(tops) > 1:
            problems.append(f"the main menu takes {len(tops)} lines")
    return problems


def check_page(page, path: str, axe_source: str) -> list[str]:
    page.console_errors.clear()
    response = page.goto(path)
    problems = []
    if response is None or response.status != 200:
        problems.append(f"{path}: HTTP {response.status if response else 'no response'}")
    problems += [f"{path}: {v}" for v in axe_violations(page, axe_source)]
    problems += [f"{path}: {p}" for p in layout_problems(page)]
    problems += [f"{path}: console: {e}" for e in page.console_errors]
    return problems


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_anonymous_pages_have_no_accessibility_violations(page, demo_data, axe_source, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    problems = [p for path in ANONYMOUS_PAGES for p in check_page(page, path, axe_source)]

    assert problems == []


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("role", list(DEMO_ACCOUNTS))
def test_every_reachable_page_has_no_accessibility_violations(
    page, demo_data, axe_source, role, viewport
):
    page.set_viewport_size(VIEWPORTS[viewport])
    sign_in(page, DEMO_ACCOUNTS[role])
    # Each role's home page as it looks, kept for people to review (README: Tests).
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"home-{role}-{viewport}.png"
    page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 10_000
    # Search results are reached through a form, not a link.
    to_visit = [f"{reverse('search:results')}?q=respite", *deep_pages(role), *links_on(page)]
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
