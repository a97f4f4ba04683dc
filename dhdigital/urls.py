from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from dhdigital.lib import views as lib_views

# The Django admin signs people in through the site's own sign-in (lockout, two-step codes), never with
# a password form of its own that would skip them.
admin.site.login = secure_admin_login(admin.site.login)

# The root names the apps by string and imports none (docs/architecture.md: the kernel knows no app). A
# namespace served by two apps lists the higher app's patterns first, ahead of the lower app's catch-alls.
urlpatterns = [
    path("", include("consultations.site_urls")),
    path("accessibility/", lib_views.accessibility, name="accessibility"),
    path("privacy/", lib_views.privacy, name="privacy"),
    path("cookies/", lib_views.cookies, name="cookies"),
    path("security/", lib_views.security, name="security"),
    path(".well-known/security.txt", lib_views.security_txt, name="security-txt"),
    path("healthz", lib_views.healthz, name="healthz"),
    path("readyz", lib_views.readyz, name="readyz"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("dhdigital.accounts.urls")),
    path(
        "consultations/",
        include(
            (
                [path("", include("dashboards.report_urls")), path("", include("consultations.urls"))],
                "consultations",
            )
        ),
    ),
    path(
        "staff/",
        include(
            ([path("", include("outcomes.urls")), path("", include("consultations.staff_urls"))], "staff")
        ),
    ),
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
