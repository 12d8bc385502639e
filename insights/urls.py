from django.urls import path

from . import views, views_exports

app_name = "insights"

urlpatterns = [
    path("", views.LoopHealthView.as_view(), name="loop-health"),
    path("<slug:metric>.csv", views.MetricCsvView.as_view(), name="metric-csv"),
    path("forums/<slug:slug>/", views.ForumInsightsView.as_view(), name="forum-insights"),
    path(
        "forums/<slug:slug>/<slug:metric>.csv",
        views.ForumMetricCsvView.as_view(),
        name="forum-metric-csv",
    ),
    path("downloads/", views_exports.DownloadsView.as_view(), name="downloads"),
    path("downloads/new/", views_exports.ExportRequestView.as_view(), name="export"),
    path("downloads/<int:pk>/", views_exports.DownloadView.as_view(), name="download"),
    path(
        "forums/<slug:slug>/downloads/new/",
        views_exports.ForumExportRequestView.as_view(),
        name="forum-export",
    ),
    path("report/attach/", views_exports.ReportAttachView.as_view(), name="report-attach"),
    # A long agenda's meeting papers (forums.papers), asked for on the meeting's page.
    path(
        "downloads/meetings/<int:pk>/agenda-pack/",
        views_exports.AgendaPackRequestView.as_view(),
        name="agenda-pack-prepare",
    ),
    path(
        "downloads/meetings/<int:pk>/minutes/",
        views_exports.MinutesRequestView.as_view(),
        name="minutes-prepare",
    ),
]
