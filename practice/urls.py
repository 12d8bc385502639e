from django.urls import path

from . import views

app_name = "practice"

urlpatterns = [
    path("library/", views.GuidanceListView.as_view(), name="guidance-list"),
    path("library/add/", views.GuidanceCreateView.as_view(), name="guidance-create"),
    path("library/due/", views.DueForReviewView.as_view(), name="guidance-due"),
    path("library/<int:pk>/", views.GuidanceDetailView.as_view(), name="guidance-detail"),
    path("library/<int:pk>/edit/", views.GuidanceUpdateView.as_view(), name="guidance-edit"),
    path(
        "library/<int:pk>/download/",
        views.GuidanceDownloadView.as_view(),
        name="guidance-download",
    ),
    path(
        "library/<int:pk>/start-review/",
        views.StartReviewView.as_view(),
        name="guidance-start-review",
    ),
    path("library/<int:pk>/reviewed/", views.ReviewedView.as_view(), name="guidance-reviewed"),
    path("library/<int:pk>/supersede/", views.SupersedeView.as_view(), name="guidance-supersede"),
    path(
        "library/<int:pk>/new-version/",
        views.NewVersionView.as_view(),
        name="guidance-new-version",
    ),
]
