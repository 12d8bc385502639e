from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/edit/", views.ProfileEditView.as_view(), name="profile-edit"),
    path("profile/data/", views.PersonalDataView.as_view(), name="personal-data"),
    path(
        "profile/data/download/",
        views.PersonalDataDownloadView.as_view(),
        name="personal-data-download",
    ),
    path("profile/deactivate/", views.DeactivateAccountView.as_view(), name="account-deactivate"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path(
        "notifications/read/",
        views.MarkNotificationsReadView.as_view(),
        name="notifications-read",
    ),
    path(
        "notifications/<int:pk>/open/",
        views.NotificationOpenView.as_view(),
        name="notification-open",
    ),
    path(
        "notifications/settings/",
        views.NotificationSettingsView.as_view(),
        name="notification-settings",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.UnsubscribeView.as_view(),
        name="notification-unsubscribe",
    ),
]
