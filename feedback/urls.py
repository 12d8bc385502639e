from django.urls import path

from . import views
from .views import advice as advice_views
from .views import guidance as guidance_views

app_name = "feedback"

urlpatterns = [
    path("", views.IssueListView.as_view(), name="issue-list"),
    path("mine/", views.IssueListView.as_view(mine=True), name="my-issues"),
    path("new/", views.IssueCreateView.as_view(), name="issue-create"),
    path("<int:pk>/", views.IssueDetailView.as_view(), name="issue-detail"),
    path("<int:pk>/edit/", views.IssueDraftEditView.as_view(), name="issue-edit"),
    path("<int:pk>/endorse/", views.EndorseView.as_view(), name="issue-endorse"),
    path("<int:pk>/watch/", views.WatchView.as_view(), name="issue-watch"),
    path("<int:pk>/comment/", views.CommentView.as_view(), name="issue-comment"),
    path("<int:pk>/guidance/", guidance_views.CiteGuidanceView.as_view(), name="issue-guidance"),
    path("<int:pk>/advice/", advice_views.AdviceView.as_view(), name="issue-advise"),
    path("my-practice-area/", advice_views.LeadQueueView.as_view(), name="lead-queue"),
    path(
        "<int:pk>/information/",
        views.ProvideInformationView.as_view(),
        name="issue-provide-information",
    ),
    path("<int:pk>/place/", views.PlaceOnAgendaView.as_view(), name="issue-place"),
    path("<int:pk>/merge/", views.MergeView.as_view(), name="issue-merge"),
    path("<int:pk>/unmerge/", views.UnmergeView.as_view(), name="issue-unmerge"),
    path("<int:pk>/ask/", views.RequestInformationView.as_view(), name="issue-request-info"),
    path("<int:pk>/decline/", views.DeclineView.as_view(), name="issue-decline"),
    path("<int:pk>/respond/", views.RespondView.as_view(), name="issue-respond"),
    path("<int:pk>/progress/", views.PostProgressView.as_view(), name="issue-progress"),
    path(
        "<int:pk>/out-of-session/",
        views.OutOfSessionView.as_view(),
        name="issue-out-of-session",
    ),
    path("agenda-items/<int:item_pk>/outcome/", views.OutcomeView.as_view(), name="outcome-record"),
    path(
        "agenda-items/<int:item_pk>/later/",
        views.MoveToLaterMeetingView.as_view(),
        name="agenda-item-later",
    ),
    path("queues/", views.QueuesView.as_view(), name="queues"),
    path("queues/<slug:slug>/", views.ForumQueueView.as_view(), name="forum-queue"),
    path("executive/", views.ExecutiveQueueView.as_view(), name="executive-queue"),
    path("consultations/", views.ConsultationListView.as_view(), name="consultation-list"),
    path(
        "consultations/new/<slug:slug>/",
        views.ConsultationCreateView.as_view(),
        name="consultation-create",
    ),
    path(
        "consultations/<int:pk>/",
        views.ConsultationDetailView.as_view(),
        name="consultation-detail",
    ),
    path(
        "consultations/<int:pk>/answers.csv",
        views.ConsultationExportView.as_view(),
        name="consultation-export",
    ),
    path(
        "consultations/<int:pk>/summary/",
        views.ConsultationSummaryView.as_view(),
        name="consultation-summary",
    ),
    path(
        "consultations/<int:pk>/close/",
        views.ConsultationCloseView.as_view(),
        name="consultation-close",
    ),
    path(
        "consultations/answers/<int:pk>/",
        views.RecordAnswersView.as_view(),
        name="consultation-record-answers",
    ),
    path(
        "consultations/my-answers/<int:pk>/",
        views.MemberAnswersView.as_view(),
        name="consultation-member-answers",
    ),
]
