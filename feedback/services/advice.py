"""Practice leads on issues in their areas: told when one is raised or escalated, adding
expert advice, and the record of input from Aboriginal community-controlled organisations."""

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext

from forums.choices import FACILITATING_ROLES
from forums.models import Forum
from members.choices import NotificationKind, Sector
from members.models import Organisation, PracticeArea, User
from members.services import notify_many
from practice.models import PracticeLead

from ..choices import EventKind, IssueStatus
from ..exceptions import TransitionNotAllowed
from ..models import ExpertAdvice, PracticeIssue
from .common import guard_privacy, log_event


def seeks_acco_input(issue: PracticeIssue) -> bool:
    """Whether any of the issue's practice areas asks for input from an Aboriginal
    community-controlled organisation before an outcome."""
    return issue.practice_areas.filter(seeks_acco_input=True).exists()


def is_acco_member(user) -> bool:
    """Works for an organisation of the Aboriginal community-controlled sector."""
    return bool(user.organisation_id) and (
        Organisation.objects.filter(pk=user.organisation_id, sector=Sector.ACCO).exists()
    )


def record_acco_input(issue: PracticeIssue, *, at) -> bool:
    """Stamp the first input from an Aboriginal community-controlled organisation (the
    caller holds the issue's lock and has decided the input counts); later input keeps it."""
    if issue.acco_input_at is not None or not seeks_acco_input(issue):
        return False
    issue.acco_input_at = at
    issue.save(update_fields=["acco_input_at", "updated_at"])
    return True


def tell_leads(issue: PracticeIssue, *, by, event: str, forum: Forum | None = None) -> None:
    """Tell each lead of the issue's practice areas once, never the person acting nor those
    the event's own notice reaches (its watchers, and `forum`'s chairs and facilitators).

    A lead who may not see a restricted issue hears only its reference, with a link to
    their own queue rather than to a page that would refuse them."""
    if issue.status == IssueStatus.DRAFT:
        return
    told_anyway = Q(watched_issues=issue)
    if forum is not None:
        told_anyway |= Q(memberships__forum=forum, memberships__role__in=FACILITATING_ROLES)
    leads = (
        User.objects.filter(
            is_active=True,
            pk__in=PracticeLead.objects.filter(
                practice_area__in=issue.practice_areas.values("pk")
            ).values("user"),
        )
        .exclude(pk=by.pk)
        .exclude(pk__in=User.objects.filter(told_anyway).values("pk"))
        .order_by("pk")
    )
    leads = list(leads)
    if not leads:
        return
    # Routing tells leads of escalations, so its one restricted-title rule is read here.
    from .routing import restricted_title

    issue.visited_forum_ids = set(issue.referrals.values_list("forum_id", flat=True))
    seeing = [lead for lead in leads if lead.has_perm("feedback.view_issue", issue)]
    blind = [lead for lead in leads if lead not in seeing]
    subject = gettext("In your practice area: %(title)s (%(event)s)")
    notify_many(
        seeing,
        subject=f"{issue.reference}: " + subject % {"title": issue.title, "event": event},
        body=gettext("An issue in a practice area you lead. You can add expert advice."),
        url=issue.get_absolute_url(),
        kind=NotificationKind.PRACTICE,
    )
    notify_many(
        blind,
        subject=subject % {"title": restricted_title(issue), "event": event},
        body=gettext(
            "It is restricted: only its submitter and members of the forums it reaches can "
            "open it. Its forum's facilitators can ask for your advice."
        ),
        url=reverse("feedback:lead-queue"),
        kind=NotificationKind.PRACTICE,
    )


def _tell_about_advice(issue: PracticeIssue, advice: ExpertAdvice, *, by) -> None:
    """The submitter and the watchers hear of the advice, each once, if they may see it."""
    people = Q(watched_issues=issue) | Q(pk=issue.raised_by_id)
    users = User.objects.filter(people, is_active=True).exclude(pk=by.pk).distinct().order_by("pk")
    issue.visited_forum_ids = set(issue.referrals.values_list("forum_id", flat=True))
    recipients = [user for user in users if user.has_perm("feedback.view_issue", issue)]
    notify_many(
        recipients,
        subject=gettext("%(reference)s: Expert advice from %(person)s (%(area)s lead)")
        % {"reference": issue.reference, "person": by, "area": advice.practice_area.name},
        body=advice.body,
        url=f"{issue.get_absolute_url()}#advice-{advice.pk}",
        kind=NotificationKind.PRACTICE,
    )


@transaction.atomic
def give_advice(issue: PracticeIssue, *, area: PracticeArea, body: str, by) -> ExpertAdvice:
    """A lead of one of the issue's areas advises on it: one ExpertAdvice and one ADVICE
    event; the submitter and watchers are told. A lead of an area that seeks input from
    Aboriginal community-controlled organisations records that input."""
    body = (body or "").strip()
    if not body:
        raise TransitionNotAllowed(gettext("Write the advice you want to give."))
    guard_privacy(body)
    issue = PracticeIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.status == IssueStatus.DRAFT:
        raise TransitionNotAllowed(gettext("A draft cannot be advised on."))
    if issue.status == IssueStatus.MERGED:
        raise TransitionNotAllowed(
            gettext("This issue was merged into another: advise on that one instead.")
        )
    if not issue.practice_areas.filter(pk=area.pk).exists():
        raise TransitionNotAllowed(
            gettext("“%(area)s” is not one of this issue's practice areas.") % {"area": area.name}
        )
    if not PracticeLead.objects.filter(user=by, practice_area=area).exists():
        raise TransitionNotAllowed(
            gettext("Only a practice lead of %(area)s can advise as its lead.")
            % {"area": area.name}
        )
    issue.visited_forum_ids = set(issue.referrals.values_list("forum_id", flat=True))
    if not by.has_perm("feedback.view_issue", issue):
        raise TransitionNotAllowed(
            gettext("You cannot see this issue, so you cannot advise on it.")
        )
    advice = ExpertAdvice.objects.create(issue=issue, author=by, practice_area=area, body=body)
    if area.seeks_acco_input:
        record_acco_input(issue, at=advice.created_at)
    log_event(
        issue,
        actor=by,
        kind=EventKind.ADVICE,
        note=body,
    )
    _tell_about_advice(issue, advice, by=by)
    return advice
