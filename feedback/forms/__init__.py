"""The feedback app's forms: issues and their path, consultations, advice, guidance."""

from .advice import (
    AdviceForm,
    LeadQueueFilterForm,
)
from .consultations import (
    CONSULTATION_QUESTIONS,
    ConsultationForm,
    ConsultationAnswersForm,
    ConsultationSummaryForm,
    CloseConsultationForm,
)
from .guidance import (
    CiteGuidanceForm,
)
from .issues import (
    REFERENCE_PATTERN,
    PRIVACY_HELP,
    privacy_errors,
    IssueForm,
    IssueFilterForm,
    CommentForm,
    ProvideInformationForm,
    PlaceOnAgendaForm,
    MergeForm,
    ReasonForm,
    OutcomeForm,
    OUT_OF_SESSION_REASON_HELP,
    OutOfSessionForm,
    DiscussedForm,
    ResponseForm,
    ProgressForm,
    ExecutiveFilterForm,
)

__all__ = [
    "AdviceForm",
    "CONSULTATION_QUESTIONS",
    "CiteGuidanceForm",
    "CloseConsultationForm",
    "CommentForm",
    "ConsultationAnswersForm",
    "ConsultationForm",
    "ConsultationSummaryForm",
    "DiscussedForm",
    "ExecutiveFilterForm",
    "IssueFilterForm",
    "IssueForm",
    "LeadQueueFilterForm",
    "MergeForm",
    "OUT_OF_SESSION_REASON_HELP",
    "OutOfSessionForm",
    "OutcomeForm",
    "PRIVACY_HELP",
    "PlaceOnAgendaForm",
    "ProgressForm",
    "ProvideInformationForm",
    "REFERENCE_PATTERN",
    "ReasonForm",
    "ResponseForm",
    "privacy_errors",
]
