"""The signed-in menu, drawn once per process for each combination of what it shows.

Every signed-in page has the menu, and drawing it (a score of links, each reversed and
labelled) cost more than some pages' own content. What is drawn depends only on which of its
pages is open, what the person may reach, whether they are staff, and the language, so each
combination is drawn once; the person's count of unread notices, and on the search page
the words they searched for, are put into it afterwards."""

import functools

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from members.menu import menu_reach

register = template.Library()

# The pages the sections link to, by URL name: the open one is marked as the current page.
SECTION_PAGES = frozenset(
    {
        "feedback:issue-list",
        "forums:my-meetings",
        "forums:my-actions",
        "forums:calendar",
        "forums:forum-list",
        "practice:guidance-list",
        "forums:session-list",
        "feedback:consultation-list",
        "feedback:lead-queue",
        "feedback:queues",
        "feedback:executive-queue",
    }
)

# Pages under insights' addresses that the account menu links to.
ACCOUNT_PAGES = frozenset({"downloads"})

# The menu's other links, by the name the drawing knows them by (`here`), and the search
# page, whose box shows what was searched for.
OWN_LINKS = {
    "home": "home",
    "search": "search:results",
    "notifications": "members:notifications",
    "profile": "members:profile",
    "mfa": "mfa_index",
    "data": "members:personal-data",
    "downloads": "insights:downloads",
}
TEMPLATE = "includes/_nav_signed_in.html"
# Where the drawing shows the count of unread notices, and the words searched for.
UNREAD_MARK = "<!--unread-->"
SEARCHED_MARK = "<!--searched-->"


@register.simple_tag(takes_context=True)
def signed_in_menu(context) -> SafeString:
    """The menu for the signed-in person on this page."""
    request, user = context["request"], context["user"]
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    where = {"language": get_language(), "prefix": get_script_prefix(), "urlconf": get_urlconf()}
    shown = {
        "current": view_name if view_name in SECTION_PAGES else "",
        # A person's downloads are theirs, listed in the account menu, not insights.
        "in_insights": bool(match)
        and match.namespace == "insights"
        and match.url_name not in ACCOUNT_PAGES,
        **menu_reach(user),
        "here": _own_links(**where).get(request.path, ""),
        "is_staff": bool(user.is_staff),
    }
    # Template changes show at once while developing.
    drawn = render_to_string(TEMPLATE, shown) if settings.DEBUG else _drawn(**where, **shown)
    drawn = drawn.replace(UNREAD_MARK, _unread_badge(context), 1)
    if shown["here"] == "search":
        # What was searched for is the person's own: put in, never kept.
        drawn = drawn.replace(SEARCHED_MARK, _searched_value(request), 1)
    return mark_safe(drawn)  # noqa: S308 - every part escaped


def _unread_badge(context) -> str:
    unread = int(context.get("unread_notifications") or 0)
    if not unread:
        return ""
    return format_html(
        ' <span class="badge text-bg-light">{}<span class="visually-hidden"> {}</span></span>',
        unread,
        gettext("unread"),
    )


def _searched_value(request) -> str:
    searched = request.GET.get("q", "")
    return format_html(' value="{}"', searched) if searched else ""


@functools.lru_cache(maxsize=16)
def _own_links(*, language, prefix, urlconf) -> dict[str, str]:
    """The path of each of the menu's own links -> the name `here` gives it."""
    return {reverse(url_name, urlconf=urlconf): name for name, url_name in OWN_LINKS.items()}


@functools.lru_cache(maxsize=1024)
def _drawn(*, language, prefix, urlconf, **shown) -> SafeString:
    return render_to_string(TEMPLATE, shown)
