from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from members.views import HomeView

from . import health

admin.site.site_header = "CoP Portal administration"
admin.site.site_title = "CoP Portal"
# The admin signs in through the portal's own sign-in, with its second factor and rate limits.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", HomeView.as_view(), name="home"),
    path("", include("members.urls")),
    path("practice/", include("practice.urls")),
    path("forums/", include("forums.urls")),
    path("issues/", include("feedback.urls")),
    path("search/", include("search.urls")),
    path("insights/", include("insights.urls")),
]
