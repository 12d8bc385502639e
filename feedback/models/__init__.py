from .consultations import (
    Consultation,
    ConsultationAnswer,
    ConsultationEvent,
    ConsultationQuestion,
    ConsultationTarget,
)
from .issues import (
    Comment,
    Endorsement,
    ExpertAdvice,
    IssueEvent,
    MergeRecord,
    OverdueReminder,
    PracticeIssue,
    Referral,
    Response,
    ResponseProgress,
    Watch,
)

__all__ = [
    "Comment",
    "Consultation",
    "ConsultationAnswer",
    "ConsultationEvent",
    "ConsultationQuestion",
    "ConsultationTarget",
    "Endorsement",
    "ExpertAdvice",
    "IssueEvent",
    "MergeRecord",
    "OverdueReminder",
    "PracticeIssue",
    "Referral",
    "Response",
    "ResponseProgress",
    "Watch",
]
