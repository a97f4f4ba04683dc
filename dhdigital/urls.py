from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from consultations import views as consultation_views
from dhdigital.lib import views as lib_views

# The Django admin signs people in through the site's own sign-in (lockout, two-step codes), never with
# a password form of its own that would skip them.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", lib_views.home, name="home"),
    path("search/", consultation_views.site_search, name="search"),
    path("accessibility/", lib_views.accessibility, name="accessibility"),
    path("privacy/", lib_views.privacy, name="privacy"),
    path("cookies/", lib_views.cookies, name="cookies"),
    path("healthz", lib_views.healthz, name="healthz"),
    path("readyz", lib_views.readyz, name="readyz"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("dhdigital.accounts.urls")),
    path("consultations/", include("consultations.urls")),
    path("staff/", include("consultations.staff_urls", namespace="staff")),
    path("comments/", include("comments.urls")),
    path("responses/", include("responses.urls")),
    path("analysis/", include("insights.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("policy/", include("policycycle.urls")),
    path("api/", include("api.urls")),
    path("", include("notices.urls")),
    path("django-admin/", admin.site.urls),
]

handler403 = "dhdigital.lib.views.error_403"
handler404 = "dhdigital.lib.views.error_404"
handler500 = "dhdigital.lib.views.error_500"
