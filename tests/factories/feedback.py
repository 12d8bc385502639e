import datetime as dt

import factory
from django.utils import timezone

from feedback.choices import IssueStatus, ReferralPurpose, ResponseScope
from feedback.models import (
    Comment,
    Endorsement,
    IssueEvent,
    PracticeIssue,
    Referral,
    Response,
    Watch,
)
from feedback.services.counters import refresh_counts

from .forums import ActionItemFactory, ForumFactory, StrategicForumFactory
from .members import UserFactory


class PracticeIssueFactory(factory.django.DjangoModelFactory):
    """A raised issue waiting in its CFSN's triage queue (status and referral agree)."""

    class Meta:
        model = PracticeIssue
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Practice issue {n}")
    description = "Families are asked for the same information by three services at intake."
    origin_forum = factory.SubFactory(ForumFactory)
    current_forum = factory.SelfAttribute("origin_forum")
    status = IssueStatus.QUEUED
    raised_by = factory.SubFactory(UserFactory)
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def referral(obj, create, extracted, **kwargs):
        if create and obj.status != IssueStatus.DRAFT and extracted is not False:
            Referral.objects.create(issue=obj, forum=obj.current_forum)
            Watch.objects.create(issue=obj, user=obj.raised_by)


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    issue = factory.SubFactory(PracticeIssueFactory, referral=False)
    forum = factory.SelfAttribute("issue.current_forum")
    purpose = ReferralPurpose.CONSIDER


class CountedFactory(factory.django.DjangoModelFactory):
    """Rows an issue counts: its counters follow, as the services keep them."""

    class Meta:
        abstract = True

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            refresh_counts(instance.issue_id)


class EndorsementFactory(CountedFactory):
    class Meta:
        model = Endorsement

    issue = factory.SubFactory(PracticeIssueFactory)
    user = factory.SubFactory(UserFactory)


class CommentFactory(CountedFactory):
    class Meta:
        model = Comment

    issue = factory.SubFactory(PracticeIssueFactory)
    author = factory.SubFactory(UserFactory)
    body = "We see the same in our area."


class IssueEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IssueEvent

    issue = factory.SubFactory(PracticeIssueFactory)
    kind = "commented"


class ResponseFactory(factory.django.DjangoModelFactory):
    """A Strategic response with its owner's action item, on an issue sent back to its CFSN."""

    class Meta:
        model = Response

    issue = factory.SubFactory(PracticeIssueFactory, status=IssueStatus.RESPONDED)
    decision = "Fund a shared intake form."
    owner = factory.SubFactory(UserFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=90))
    review_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))
    scope = ResponseScope.ORIGIN
    action_item = factory.SubFactory(
        ActionItemFactory,
        meeting=None,
        forum=factory.SubFactory(StrategicForumFactory),
        owner=factory.SelfAttribute("..owner"),
        due_date=factory.SelfAttribute("..due_date"),
    )
