"""Views of practice issues, split by what people do with them."""

from .common import IssuePermissionMixin
from .consultations import (
    ConsultationCloseView,
    ConsultationCreateView,
    ConsultationDetailView,
    ConsultationExportView,
    ConsultationListView,
    ConsultationSummaryView,
    MemberAnswersView,
    RecordAnswersView,
)
from .executive import ExecutiveQueueView, RespondView
from .follow_through import PostProgressView
from .issues import (
    CommentView,
    EndorseView,
    IssueCreateView,
    IssueDetailView,
    IssueDraftEditView,
    IssueListView,
    ProvideInformationView,
    WatchView,
)
from .outcomes import OutcomeView, OutOfSessionView
from .placement import MoveToLaterMeetingView
from .triage import (
    DeclineView,
    ForumQueueView,
    MergeView,
    PlaceOnAgendaView,
    QueuesView,
    RequestInformationView,
    TriageActionMixin,
    UnmergeView,
)

__all__ = [
    "CommentView",
    "ConsultationCloseView",
    "ConsultationCreateView",
    "ConsultationDetailView",
    "ConsultationExportView",
    "ConsultationListView",
    "ConsultationSummaryView",
    "DeclineView",
    "EndorseView",
    "ExecutiveQueueView",
    "ForumQueueView",
    "IssueCreateView",
    "IssueDetailView",
    "IssueDraftEditView",
    "IssueListView",
    "IssuePermissionMixin",
    "MemberAnswersView",
    "MergeView",
    "MoveToLaterMeetingView",
    "OutOfSessionView",
    "OutcomeView",
    "PlaceOnAgendaView",
    "PostProgressView",
    "ProvideInformationView",
    "QueuesView",
    "RecordAnswersView",
    "RequestInformationView",
    "RespondView",
    "TriageActionMixin",
    "UnmergeView",
    "WatchView",
]
