"""Panels the feedback app lends to other pages (the home page)."""

from django import template
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from forums.choices import TAKES_OUTCOMES, Tier
from forums.rules import forums_run_by
from members.home import Task

from ..choices import FINISHED_STATUSES, IssueStatus, ReferralPurpose
from ..models import PracticeIssue, Referral, Response
from ..selectors import (
    awaiting_answers,
    delivery_conditions,
    executive_queue,
    forums_to_triage,
    latest_raised_by,
    waiting_at,
)
from ..selectors.advice import issues_without_advice_count

register = template.Library()


@register.inclusion_tag("feedback/_panel_my_issues.html")
def my_issues_panel(user, limit: int = 5) -> dict:
    return {"issues": list(latest_raised_by(user)[:limit])}


@register.inclusion_tag("feedback/_panel_triage.html")
def triage_panel(user) -> dict:
    """Forums this person runs, with how many issues wait for triage in each."""
    if not user.is_superuser and not forums_run_by(user):
        return {"forums": []}
    return {"forums": list(forums_to_triage(user))}


@register.simple_tag
def issue_tasks(user) -> list[Task]:
    """Issues waiting for this person: their own returned for information; for those who run
    forums, triage and outcomes to record; for executives, issues awaiting a response and
    responses past their due date."""
    tasks = []
    returned = list(
        PracticeIssue.objects.filter(raised_by=user, status=IssueStatus.INFO_REQUESTED)
        .order_by("pk")
        .values_list("pk", flat=True)[:100]
    )
    if returned:
        tasks.append(
            Task(
                gettext("Issues needing your input"),
                len(returned),
                reverse("feedback:issue-provide-information", args=[returned[0]]),
                gettext("Add the information asked for"),
                gettext("A forum asked you for more before it decides."),
            )
        )
    runs = forums_run_by(user)
    if runs:
        waiting = waiting_at(runs).count()
        if waiting:
            tasks.append(
                Task(
                    gettext("Issues waiting for triage"),
                    waiting,
                    reverse("feedback:queues"),
                    gettext("Triage the queue"),
                    gettext("Place each on an agenda, merge, ask or decline."),
                )
            )
        undecided = list(
            Referral.objects.filter(
                forum_id__in=runs,
                left_at__isnull=True,
                outcome="",
                agenda_item__meeting__status__in=TAKES_OUTCOMES,
                agenda_item__meeting__start__lte=timezone.now(),
            )
            .order_by("agenda_item__meeting__start", "pk")
            .values_list("agenda_item__meeting_id", flat=True)[:100]
        )
        if undecided:
            tasks.append(
                Task(
                    gettext("Outcomes to record"),
                    len(undecided),
                    reverse("forums:meeting-detail", args=[undecided[0]]),
                    gettext("Record the outcomes"),
                    gettext("Issues discussed at meetings already held."),
                )
            )
    if user.has_perm("feedback.view_executive_queue") and not user.is_superuser:
        awaiting = executive_queue().count()
        if awaiting:
            tasks.append(
                Task(
                    gettext("Awaiting a response"),
                    awaiting,
                    reverse("feedback:executive-queue"),
                    gettext("Review escalated issues"),
                    gettext("Escalated to the Strategic Leadership Forum."),
                )
            )
        late = Response.objects.filter(delivery_conditions("overdue")).count()
        if late:
            tasks.append(
                Task(
                    gettext("Responses overdue"),
                    late,
                    f"{reverse('feedback:issue-list')}?delivery=overdue",
                    gettext("Follow up responses"),
                    gettext("Past their due date and still being carried out."),
                )
            )
    to_answer = list(awaiting_answers(user).values_list("pk", flat=True)[:100])
    if to_answer:
        tasks.append(
            Task(
                gettext("Consultation awaiting your forum's answers"),
                len(to_answer),
                reverse("feedback:consultation-record-answers", args=[to_answer[0]]),
                gettext("Record the answers"),
                gettext("Discussed at a meeting that has started; the sender is waiting."),
            )
        )
    without_advice = issues_without_advice_count(user)
    if without_advice:
        tasks.append(
            Task(
                gettext("Issues in your area without advice"),
                without_advice,
                f"{reverse('feedback:lead-queue')}?no_advice=on",
                gettext("Add expert advice"),
                gettext("Open issues in the practice areas you lead."),
            )
        )
    return tasks


@register.inclusion_tag("feedback/_loop_glance.html")
def loop_glance() -> dict:
    """The loop at a glance for administrators: open stays at each tier and late responses."""
    at_tier = dict(
        Referral.objects.filter(left_at__isnull=True, purpose=ReferralPurpose.CONSIDER)
        .exclude(issue__status__in=FINISHED_STATUSES)
        .values_list("forum__tier")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "tiers": [(label, at_tier.get(tier, 0)) for tier, label in Tier.choices],
        "late_responses": Response.objects.filter(delivery_conditions("overdue")).count(),
    }
