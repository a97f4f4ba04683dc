import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dhdigital.settings")
application = get_wsgi_application()

from dhdigital.lib.secret_key import refuse_to_start  # noqa: E402 - settings are configured above

refuse_to_start()
