from django.urls import path

from .views import agenda, agenda_defaults, learning, meeting_detail, minutes, papers, resources
from .views import calendar as calendar_views
from .views import forums as forum_views
from .views import meetings as meeting_views

app_name = "forums"

urlpatterns = [
    # --- Forums, membership, scheduling, calendar and feeds ---------------------------
    path("", forum_views.ForumListView.as_view(), name="forum-list"),
    path("calendar/", calendar_views.CalendarMonthView.as_view(), name="calendar"),
    path(
        "calendar/subscribe/",
        calendar_views.CalendarSubscribeView.as_view(),
        name="calendar-subscribe",
    ),
    path("feed/<str:token>.ics", calendar_views.CalendarFeedView.as_view(), name="calendar-feed"),
    path("meetings/", calendar_views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/mine/", calendar_views.MyMeetingsView.as_view(), name="my-meetings"),
    # --- Learning sessions: open to every signed-in member --------------------------
    path("sessions/", learning.SessionListView.as_view(), name="session-list"),
    path("sessions/mine/", learning.MyLearningView.as_view(), name="my-learning"),
    path("sessions/mine.csv", learning.MyLearningCsvView.as_view(), name="my-learning-csv"),
    path(
        "meetings/<int:pk>/register/",
        learning.RegisterView.as_view(),
        name="session-register",
    ),
    path(
        "meetings/<int:pk>/register/cancel/",
        learning.CancelRegistrationView.as_view(),
        name="session-cancel-registration",
    ),
    path(
        "meetings/<int:pk>/session/",
        learning.SessionDetailsView.as_view(),
        name="session-details",
    ),
    path("meetings/<int:pk>/edit/", meeting_views.MeetingEditView.as_view(), name="meeting-edit"),
    path(
        "meetings/<int:pk>/cancel/",
        meeting_views.MeetingCancelView.as_view(),
        name="meeting-cancel",
    ),
    path(
        "meetings/<int:pk>/publish/",
        meeting_views.MeetingPublishView.as_view(),
        name="meeting-publish",
    ),
    path(
        "meetings/<int:pk>/held/",
        meeting_views.MeetingCompleteView.as_view(),
        name="meeting-complete",
    ),
    path(
        "meetings/<int:pk>/meeting.ics", meeting_views.MeetingIcsView.as_view(), name="meeting-ics"
    ),
    path("<slug:slug>/", forum_views.ForumDetailView.as_view(), name="forum-detail"),
    path("<slug:slug>/members/", forum_views.ForumMembersView.as_view(), name="forum-members"),
    path(
        "<slug:slug>/members/<int:pk>/role/",
        forum_views.ForumMemberRoleView.as_view(),
        name="forum-member-role",
    ),
    path(
        "<slug:slug>/members/<int:pk>/remove/",
        forum_views.ForumMemberRemoveView.as_view(),
        name="forum-member-remove",
    ),
    path(
        "<slug:slug>/agenda-defaults/",
        agenda_defaults.AgendaDefaultsView.as_view(),
        name="agenda-defaults",
    ),
    path(
        "<slug:slug>/meetings/new/",
        meeting_views.MeetingCreateView.as_view(),
        name="meeting-create",
    ),
    path(
        "<slug:slug>/sessions/new/",
        learning.SessionCreateView.as_view(),
        name="session-create",
    ),
    # --- Agendas, RSVPs, attendance, minutes, actions and resources ------------------
    path(
        "meetings/<int:pk>/",
        meeting_detail.MeetingDetailView.as_view(),
        name="meeting-detail",
    ),
    path("meetings/<int:pk>/agenda/", agenda.AgendaEditView.as_view(), name="agenda-edit"),
    path("meetings/<int:pk>/agenda/add/", agenda.AgendaEditView.as_view(), name="agenda-item-add"),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/edit/",
        agenda.AgendaItemEditView.as_view(),
        name="agenda-item-edit",
    ),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/remove/",
        agenda.AgendaItemDeleteView.as_view(),
        name="agenda-item-delete",
    ),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/move/",
        agenda.AgendaItemMoveView.as_view(),
        name="agenda-item-move",
    ),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/later/",
        agenda.AgendaItemLaterView.as_view(),
        name="agenda-item-later",
    ),
    path(
        "meetings/<int:pk>/agenda/publish/",
        agenda.AgendaPublishView.as_view(),
        name="agenda-publish",
    ),
    path("meetings/<int:pk>/agenda/print/", agenda.AgendaPackView.as_view(), name="agenda-pack"),
    path(
        "meetings/<int:pk>/agenda-pack.pdf",
        papers.AgendaPackPdfView.as_view(),
        name="agenda-pack-pdf",
    ),
    path("meetings/<int:pk>/minutes.pdf", papers.MinutesPdfView.as_view(), name="minutes-pdf"),
    path("meetings/<int:pk>/rsvp/", minutes.RsvpView.as_view(), name="meeting-rsvp"),
    path("meetings/<int:pk>/attendance/", minutes.AttendanceView.as_view(), name="attendance"),
    path("meetings/<int:pk>/minutes/", minutes.MinutesEditView.as_view(), name="minutes-edit"),
    path(
        "meetings/<int:pk>/minutes/publish/",
        minutes.MinutesPublishView.as_view(),
        name="minutes-publish",
    ),
    path(
        "meetings/<int:pk>/actions/new/",
        minutes.ActionCreateView.as_view(),
        name="action-create",
    ),
    path("actions/mine/", minutes.MyActionsView.as_view(), name="my-actions"),
    path("actions/<int:pk>/status/", minutes.ActionUpdateView.as_view(), name="action-update"),
    path(
        "meetings/<int:pk>/resources/new/",
        resources.MeetingResourceAddView.as_view(),
        name="meeting-resource-add",
    ),
    path(
        "<slug:slug>/resources/new/",
        resources.ForumResourceAddView.as_view(),
        name="resource-add",
    ),
    path(
        "resources/<int:pk>/download/",
        resources.ResourceDownloadView.as_view(),
        name="resource-download",
    ),
]
