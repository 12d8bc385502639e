"""The main menu's sections, drawn once per process for each combination of what they show.

Every signed-in page has the menu, and drawing it (a dozen links, each reversed and labelled)
cost more than some pages' own content. What it shows depends only on which of its pages is
open, what the person may reach and the language, so each combination is drawn once."""

import functools

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString
from django.utils.translation import get_language

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


@register.simple_tag(takes_context=True)
def nav_sections(context) -> SafeString:
    """The menu's sections for the signed-in person on this page."""
    request, user = context["request"], context["user"]
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    shown = {
        "current": view_name if view_name in SECTION_PAGES else "",
        # A person's downloads are theirs, listed in the account menu, not insights.
        "in_insights": bool(match)
        and match.namespace == "insights"
        and match.url_name not in ACCOUNT_PAGES,
        **menu_reach(user),
    }
    if settings.DEBUG:
        # Template changes show at once while developing.
        return render_to_string("includes/_nav_sections.html", shown)
    return _drawn(
        language=get_language(),
        prefix=get_script_prefix(),
        urlconf=get_urlconf() or settings.ROOT_URLCONF,
        **shown,
    )


@functools.lru_cache(maxsize=256)
def _drawn(*, language, prefix, urlconf, **shown) -> SafeString:
    return render_to_string("includes/_nav_sections.html", shown)
