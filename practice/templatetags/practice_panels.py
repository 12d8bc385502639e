"""What the practice library lends to other pages (the home page's to-do list)."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from members.home import Task

from ..selectors import REVIEW_NOTICE_DAYS, overdue_count

register = template.Library()


@register.simple_tag
def guidance_tasks(user) -> list[Task]:
    """The person's own library items past their review date or due for it soon."""
    overdue, soon = overdue_count(user)
    if not overdue + soon:
        return []
    if overdue:
        hint = ngettext(
            "%(overdue)s past its review date; %(soon)s due within %(days)s days.",
            "%(overdue)s past their review date; %(soon)s due within %(days)s days.",
            overdue,
        ) % {"overdue": overdue, "soon": soon, "days": REVIEW_NOTICE_DAYS}
    else:
        hint = gettext("Due within %(days)s days.") % {"days": REVIEW_NOTICE_DAYS}
    return [
        Task(
            gettext("Library items to review"),
            overdue + soon,
            reverse("practice:guidance-due"),
            gettext("Review your library items"),
            hint,
        )
    ]
