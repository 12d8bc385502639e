"""Views of practice issues, split by what people do with them."""

from .common import IssuePermissionMixin
from .executive import ExecutiveQueueView, RespondView
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
from .outcomes import OutcomeView
from .triage import (
    DeclineView,
    ForumQueueView,
    MergeView,
    PlaceOnAgendaView,
    QueuesView,
    RequestInformationView,
    TriageActionMixin,
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
    "OutcomeView",
    "PlaceOnAgendaView",
    "ProvideInformationView",
    "QueuesView",
    "RequestInformationView",
    "RespondView",
    "TriageActionMixin",
    "WatchView",
]
