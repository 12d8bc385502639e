"""The loop drawn for one issue: the steps it takes (its CFSN, the State-wide Forum, the
Strategic Leadership Forum, back to the CFSN, delivered), where it is now, and the dates of
each stay, as finished values for the issue page's stepper."""

import datetime as dt
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forums.choices import Tier

from .choices import FINAL_DELIVERY_STATUSES, IssueStatus, ReferralPurpose
from .models import PracticeIssue, Referral

# Ends of an issue that leave the rest of the loop untravelled.
ENDED_BEFORE_THE_TOP = (IssueStatus.RESOLVED, IssueStatus.DECLINED, IssueStatus.MERGED)

# The step of the loop each tier's stays are drawn at.
TIER_STEPS = {Tier.REGIONAL: 0, Tier.STATEWIDE: 1, Tier.STRATEGIC: 2}

DONE, CURRENT, UPCOMING, NOT_NEEDED = "done", "current", "upcoming", "not_needed"
STATE_LABELS = {
    DONE: _("Done"),
    CURRENT: _("Now here"),
    UPCOMING: _("Still to come"),
    NOT_NEEDED: _("Not needed"),
}


@dataclass(frozen=True)
class Step:
    name: str
    state: str
    detail: str

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def _day(value) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return formats.date_format(value, "j M Y")


def _stay(referrals: list[Referral]) -> tuple[str, str]:
    """The state and dates of one step from its stays (several when carried or returned)."""
    first, last = referrals[0], referrals[-1]
    if last.left_at is None:
        return CURRENT, gettext("Since %(day)s") % {"day": _day(first.entered_at)}
    detail = gettext("%(start)s to %(end)s") % {
        "start": _day(first.entered_at),
        "end": _day(last.left_at),
    }
    if last.outcome:
        detail += f": {last.get_outcome_display().lower()}"
    return DONE, detail


def loop_steps(issue: PracticeIssue, referrals: list[Referral]) -> list[Step]:
    """Five steps, in the loop's order; `referrals` are the issue's stays, oldest first."""
    by_step: dict[int, list[Referral]] = {0: [], 1: [], 2: [], 3: []}
    for referral in referrals:
        if referral.purpose == ReferralPurpose.REFLECT:
            # A response sent to every CFSN is reflected on at each; the path follows the
            # issue's own CFSN.
            if referral.forum_id == issue.origin_forum_id:
                by_step[3].append(referral)
        else:
            tier = referral.forum.tier
            by_step[TIER_STEPS[tier]].append(referral)
    # An issue raised above the CFSNs (at the State-wide Forum, say) begins at its forum's
    # step: the steps below it are not part of its loop.
    begins_at = TIER_STEPS[issue.origin_forum.tier]
    names = [
        issue.origin_forum.name if begins_at == 0 else gettext("Regional CFSN"),
        gettext("State-wide Practitioner Forum"),
        gettext("Strategic Leadership Forum"),
        gettext("Back to %(forum)s") % {"forum": issue.origin_forum.name},
    ]
    finished_early = issue.status in ENDED_BEFORE_THE_TOP
    steps = []
    for index, name in enumerate(names):
        if by_step[index]:
            state, detail = _stay(by_step[index])
        elif index < begins_at:
            state, detail = (
                NOT_NEEDED,
                gettext("Raised at %(forum)s") % {"forum": issue.origin_forum.name},
            )
        elif issue.is_draft and index == begins_at:
            state, detail = UPCOMING, gettext("Not raised yet: a draft")
        elif finished_early:
            state, detail = NOT_NEEDED, _before_this_step(issue)
        else:
            state, detail = UPCOMING, gettext("Not reached yet")
        steps.append(Step(name=name, state=state, detail=detail))
    steps.append(_delivery_step(issue, finished_early))
    return steps


def _before_this_step(issue: PracticeIssue) -> str:
    return gettext("%(status)s before this step") % {"status": issue.get_status_display()}


def _delivery_step(issue: PracticeIssue, finished_early: bool) -> Step:
    response = getattr(issue, "response", None) if issue.status != IssueStatus.DRAFT else None
    name = gettext("Response delivered")
    if response is None:
        if finished_early:
            return Step(name, NOT_NEEDED, _before_this_step(issue))
        return Step(name, UPCOMING, gettext("Not reached yet"))
    status = response.get_delivery_status_display()
    if response.delivery_status in FINAL_DELIVERY_STATUSES:
        if response.delivered_at:
            return Step(
                name,
                DONE,
                gettext("%(status)s on %(day)s")
                % {"status": status, "day": _day(response.delivered_at)},
            )
        return Step(name, DONE, status)
    return Step(
        name,
        CURRENT,
        gettext("%(status)s, due %(day)s") % {"status": status, "day": _day(response.due_date)},
    )
