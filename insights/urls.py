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
    path("registers/<slug:kind>.<slug:fmt>", views_exports.RegisterView.as_view(), name="register"),
    path(
        "forums/<slug:slug>/registers/<slug:kind>.<slug:fmt>",
        views_exports.ForumRegisterView.as_view(),
        name="forum-register",
    ),
    path("report.pdf", views_exports.ReportPdfView.as_view(), name="report-pdf"),
    path("report/attach/", views_exports.ReportAttachView.as_view(), name="report-attach"),
]
