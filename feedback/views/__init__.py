"""Views of practice issues, split by what people do with them."""

from .common import IssuePermissionMixin
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
    "DeclineView",
    "EndorseView",
    "ExecutiveQueueView",
    "ForumQueueView",
    "IssueCreateView",
    "IssueDetailView",
    "IssueDraftEditView",
    "IssueListView",
    "IssuePermissionMixin",
    "MergeView",
    "MoveToLaterMeetingView",
    "OutOfSessionView",
    "OutcomeView",
    "PlaceOnAgendaView",
    "PostProgressView",
    "ProvideInformationView",
    "QueuesView",
    "RequestInformationView",
    "RespondView",
    "TriageActionMixin",
    "UnmergeView",
    "WatchView",
]
