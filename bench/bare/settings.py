"""A bare Django project for bench/bench_wizard.py: one view that reads and writes a database session.

The database, its connection pool and the session settings are the service's own
(sharing_wizard.settings), so the only difference measured is what the wizard itself does.
"""

import os

from sharing_wizard import settings as service

SECRET_KEY = service.SECRET_KEY
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.sessions"]
MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware"]
ROOT_URLCONF = "bench.bare.urls"
WSGI_APPLICATION = "bench.bare.wsgi.application"
DATABASES = service.DATABASES
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = service.SESSION_COOKIE_AGE
SESSION_COOKIE_NAME = service.SESSION_COOKIE_NAME
SESSION_COOKIE_SECURE = service.SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
USE_TZ = True
TIME_ZONE = service.TIME_ZONE
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": os.environ.get("LOG_LEVEL", "WARNING")},
}
