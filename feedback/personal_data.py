"""A member's issues, comments, endorsements and watches, for their data download.

Their own issues are theirs in full. For anything they did on someone else's issue, the
issue is named only if they may still see it: a restricted issue shows its reference alone.
"""

from django.utils.translation import gettext_lazy as _

from members.models import User
from members.personal_data import register_section, stamp

from .models import (
    Comment,
    ConsultationAnswer,
    Endorsement,
    ExpertAdvice,
    PracticeIssue,
    Watch,
)
from .selectors import issues_visible_to

WITHHELD = _("Withheld: a restricted issue you can no longer see")


def raised_issues(user: User) -> list[dict]:
    return [
        {
            "reference": issue.reference,
            "title": issue.title,
            "description": issue.description,
            "status": issue.get_status_display(),
            "restricted": issue.restricted,
            "raised_at": stamp(issue.submitted_at or issue.created_at),
            "practice_areas": [area.name for area in issue.practice_areas.all()],
        }
        for issue in PracticeIssue.objects.filter(raised_by=user)
        .prefetch_related("practice_areas")
        .order_by("created_at", "pk")
    ]


def _issue_named_for(user: User, rows, get_issue) -> dict[int, str]:
    ids = {get_issue(row).pk for row in rows}
    visible = set(issues_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    return {
        get_issue(row).pk: get_issue(row).title if get_issue(row).pk in visible else str(WITHHELD)
        for row in rows
    }


def comments(user: User) -> list[dict]:
    rows = list(Comment.objects.filter(author=user).select_related("issue").order_by("created_at"))
    titles = _issue_named_for(user, rows, lambda comment: comment.issue)
    return [
        {
            "issue": comment.issue.reference,
            "issue_title": titles[comment.issue.pk],
            "comment": comment.body,
            "written_at": stamp(comment.created_at),
        }
        for comment in rows
    ]


def expert_advice(user: User) -> list[dict]:
    rows = list(
        ExpertAdvice.objects.filter(author=user)
        .select_related("issue", "practice_area")
        .order_by("created_at", "pk")
    )
    titles = _issue_named_for(user, rows, lambda advice: advice.issue)
    return [
        {
            "issue": advice.issue.reference,
            "issue_title": titles[advice.issue.pk],
            "as_lead_of": advice.practice_area.name,
            "advice": advice.body,
            "written_at": stamp(advice.created_at),
        }
        for advice in rows
    ]


def _issue_rows(user: User, model) -> list[dict]:
    rows = list(model.objects.filter(user=user).select_related("issue").order_by("created_at"))
    titles = _issue_named_for(user, rows, lambda row: row.issue)
    return [
        {
            "issue": row.issue.reference,
            "issue_title": titles[row.issue.pk],
            "since": stamp(row.created_at),
        }
        for row in rows
    ]


def endorsements(user: User) -> list[dict]:
    return _issue_rows(user, Endorsement)


def watching(user: User) -> list[dict]:
    return _issue_rows(user, Watch)


def consultation_answers(user: User) -> list[dict]:
    """Answers the member wrote: their own, and those they recorded for their forum."""
    rows = (
        ConsultationAnswer.objects.filter(author=user)
        .select_related("question", "target__consultation", "target__forum")
        .order_by("created_at", "pk")
    )
    return [
        {
            "consultation": answer.target.consultation.title,
            "forum": answer.target.forum.name,
            "question": answer.question.text,
            "answer": answer.text,
            "for": answer.get_source_display(),
            "written_at": stamp(answer.created_at),
            "changed_at": stamp(answer.updated_at),
        }
        for answer in rows
    ]


def register() -> None:
    register_section("issues_raised", raised_issues)
    register_section("comments", comments)
    register_section("expert_advice", expert_advice)
    register_section("endorsements", endorsements)
    register_section("issues_watched", watching)
    register_section("consultation_answers", consultation_answers)
