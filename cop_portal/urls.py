from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from members.views import HomeView

from . import health

admin.site.site_header = "CoP Portal administration"
admin.site.site_title = "CoP Portal"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", HomeView.as_view(), name="home"),
    path("", include("members.urls")),
    path("forums/", include("forums.urls")),
    path("issues/", include("feedback.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
