import datetime as dt

import factory
from django.utils import timezone

from feedback.choices import AnswerSource, IssueStatus, ReferralPurpose, ResponseScope
from feedback.models import (
    Comment,
    Consultation,
    ConsultationAnswer,
    ConsultationQuestion,
    ConsultationTarget,
    Endorsement,
    ExpertAdvice,
    IssueEvent,
    PracticeIssue,
    Referral,
    Response,
    Watch,
)
from feedback.services.counters import refresh_counts

from .forums import (
    ActionItemFactory,
    ForumFactory,
    StatewideForumFactory,
    StrategicForumFactory,
)
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


class ConsultationFactory(factory.django.DjangoModelFactory):
    """An open consultation from the State-wide forum with no questions or targets yet;
    tests that need placement open one through the service."""

    class Meta:
        model = Consultation

    title = factory.Sequence(lambda n: f"Consultation {n}")
    brief = "How do families experience the new intake process in your region?"
    from_forum = factory.SubFactory(StatewideForumFactory)
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    opened_by = factory.SubFactory(UserFactory)


class ConsultationQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationQuestion

    consultation = factory.SubFactory(ConsultationFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Question {n}?")


class ConsultationTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationTarget

    consultation = factory.SubFactory(ConsultationFactory)
    forum = factory.SubFactory(ForumFactory)


class ConsultationAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationAnswer

    target = factory.SubFactory(ConsultationTargetFactory)
    question = factory.SubFactory(
        ConsultationQuestionFactory, consultation=factory.SelfAttribute("..target.consultation")
    )
    source = AnswerSource.MEMBER
    author = factory.SubFactory(UserFactory)
    text = "Families tell us the new intake is quicker."


class ExpertAdviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertAdvice

    issue = factory.SubFactory(PracticeIssueFactory)
    author = factory.SubFactory(UserFactory)
    practice_area = factory.SubFactory("tests.factories.members.PracticeAreaFactory")
    body = "Use the shared intake checklist from the practice guidance."
