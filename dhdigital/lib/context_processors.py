from django.conf import settings

from dhdigital.accounts.roles import is_official


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "user_is_official": bool(user and is_official(user)),
    }
