"""Practice leads on the issue page and where an outcome is recorded: the issue's leads,
its expert advice, and the prompt to seek input from an Aboriginal community-controlled
organisation."""

from django import template

from ..forms import AdviceForm
from ..selectors.advice import (
    acco_members_of,
    acco_status,
    advisable_areas,
    area_leads,
    issue_advice,
    issue_leads,
)

register = template.Library()


@register.inclusion_tag("feedback/_issue_leads.html")
def issue_leads_line(issue) -> dict:
    """“Practice leads: Name (area), …” for the issue's areas."""
    return {"leads": issue_leads(issue)}


@register.inclusion_tag("feedback/_expert_advice.html")
def expert_advice_section(issue, user) -> dict:
    """The issue's expert advice, apart from comments, with the form for its leads."""
    # As the lead of an area: an administrator, allowed everything, leads none of them.
    areas = advisable_areas(user, issue)
    can_advise = bool(areas) and user.has_perm("feedback.give_advice", issue)
    form = AdviceForm(areas=areas, initial={"area": areas[0]}) if can_advise else None
    return {
        "issue": issue,
        # The issue page's issue says whether there is any: most issues have none.
        "advice": issue_advice(issue) if getattr(issue, "has_advice", True) else [],
        "can_advise": can_advise,
        "advice_form": form,
    }


@register.inclusion_tag("feedback/_acco_status.html")
def acco_status_line(issue) -> dict:
    """Whether input from an Aboriginal community-controlled organisation was given."""
    return {"status": acco_status(issue)}


@register.inclusion_tag("feedback/_acco_prompt.html")
def acco_prompt(issue, forum=None) -> dict:
    """Before an outcome is recorded on an issue that still waits for ACCO input: who to
    ask, from the forum's members and the area's leads. A prompt, never a block."""
    status = acco_status(issue)
    if status is None or status.given:
        return {"status": None}
    areas = [area.pk for area in issue.practice_areas.all() if area.seeks_acco_input]
    return {
        "status": status,
        "members": acco_members_of(forum or issue.current_forum),
        "leads": area_leads(areas),
        "forum": forum or issue.current_forum,
    }
