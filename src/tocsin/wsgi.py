"""WSGI entry point for running the console behind a production server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tocsin.settings")
application = get_wsgi_application()
