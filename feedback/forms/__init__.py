"""The feedback app's forms: issues and their path, consultations, advice, guidance."""

from .advice import (
    AdviceForm,
    LeadQueueFilterForm,
)
from .consultations import (
    CONSULTATION_QUESTIONS,
    CloseConsultationForm,
    ConsultationAnswersForm,
    ConsultationForm,
    ConsultationSummaryForm,
)
from .guidance import (
    CiteGuidanceForm,
)
from .issues import (
    OUT_OF_SESSION_REASON_HELP,
    PRIVACY_HELP,
    REFERENCE_PATTERN,
    CommentForm,
    DiscussedForm,
    ExecutiveFilterForm,
    IssueFilterForm,
    IssueForm,
    MergeForm,
    OutcomeForm,
    OutOfSessionForm,
    PlaceOnAgendaForm,
    ProgressForm,
    ProvideInformationForm,
    ReasonForm,
    ResponseForm,
    privacy_errors,
)

__all__ = [
    "CONSULTATION_QUESTIONS",
    "OUT_OF_SESSION_REASON_HELP",
    "PRIVACY_HELP",
    "REFERENCE_PATTERN",
    "AdviceForm",
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
    "OutOfSessionForm",
    "OutcomeForm",
    "PlaceOnAgendaForm",
    "ProgressForm",
    "ProvideInformationForm",
    "ReasonForm",
    "ResponseForm",
    "privacy_errors",
]
