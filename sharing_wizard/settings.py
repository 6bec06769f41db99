"""Settings, read from the environment. Secure by default: development opts out with DEBUG=true.

Environment variables:
    DATABASE_URL       PostgreSQL URL. Unset: an embedded PostgreSQL under .pgdata/ is started.
    SECRET_KEY         Required unless DEBUG is on.
    DEBUG              "true" for development only.
    ALLOWED_HOSTS      Comma-separated host names.
    CSRF_TRUSTED_ORIGINS  Comma-separated origins (https://example.org) behind a proxy.
    SECURE_SSL_REDIRECT   "false" when TLS ends at a proxy that already redirects.
    SESSION_COOKIE_AGE    Seconds of inactivity before sign-out (default 2 hours).
    SESSION_ABSOLUTE_AGE  Seconds from sign-in to sign-out, however active (default 10 hours).
    SESSION_REFRESH_SECONDS  At most this often a request writes the session to start the idle
                          time again (default 60; the session may end this much early, never late).
    TWO_FACTOR_PRACTITIONERS  "true": practitioners with a local account need two-factor too.
    SIGN_IN_ADDRESS_LIMIT Failed sign-ins from one address before it must wait (default 10).
    DATABASE_REPLICA_URL  Optional streaming replica for exports, the verifier, dashboards (below).
    DATABASE_PREPARED_STATEMENTS  "false" behind a pooler that cannot keep prepared statements
                          (PgBouncer in transaction mode before 1.21); default true (below).
    EMAIL_*, DEFAULT_FROM_EMAIL, SERVICE_URL, ALERTS_*  Alert and password reset emails (see "Alerts" below).
"""

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for development).")
    SECRET_KEY = "development-only-" + "x" * 50

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "formtools",
    "crispy_forms",
    "crispy_forms_gds",
    "pgtrigger",
    "axes",
    "procrastinate.contrib.django",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "decisions",
    "decisions.checkpoints",
    "decisions.accounts",
    "decisions.alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "decisions.middleware.CookieHygieneMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "decisions.accounts.sessions.SessionLifetimeMiddleware",
    "decisions.replica.ReadYourWritesMiddleware",
    "decisions.middleware.RequestHygieneMiddleware",
    "decisions.middleware.RefusalLogMiddleware",
    "decisions.middleware.LoginRequiredMiddleware",
    "decisions.accounts.two_factor.TwoFactorMiddleware",
    "decisions.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sharing_wizard.urls"
WSGI_APPLICATION = "sharing_wizard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "decisions.context_processors.roles",
                "decisions.context_processors.navigation",
                "decisions.pages.context_processors.service",
                "decisions.alerts.context_processors.unread_alerts",
            ],
        },
    },
]

# Widgets render through TEMPLATES, so templates/ can override a widget's markup
# (templates/gds/widgets/date.html: inputmode="numeric" on every date input).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: PostgreSQL only. Django's psycopg 3 pool needs CONN_MAX_AGE = 0; health checks
# drop connections that died with a database restart instead of failing requests on them.
DATABASE_URL = os.environ.get("DATABASE_URL")
if not DATABASE_URL:
    from sharing_wizard.embedded_db import database_url

    DATABASE_URL = database_url()
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL.")
DATABASES["default"].setdefault("OPTIONS", {})
# Django's backend, recovering at once from a database restart (sharing_wizard/postgresql).
DATABASES["default"]["ENGINE"] = "sharing_wizard.postgresql"
# The few statements every page runs (the session, user and draft, found by key) are prepared, so
# PostgreSQL plans them once a connection instead of on every page: the signed-in user's query
# cost PostgreSQL 680 µs of CPU each page, 150 µs prepared (bench/bench_statements.py). Nothing
# else is prepared automatically (the huge threshold): a prepared statement's generic plan does
# not fit queries whose best plan depends on their values. Set DATABASE_PREPARED_STATEMENTS=false
# behind a pooler in transaction mode that cannot keep prepared statements (PgBouncer before
# 1.21, or without max_prepared_statements).
if env_bool("DATABASE_PREPARED_STATEMENTS", True):
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 2**31 - 1
if env_bool("DATABASE_POOL", True):
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": int(os.environ.get("DATABASE_POOL_MIN", "2")),
        "max_size": int(os.environ.get("DATABASE_POOL_MAX", "10")),
        "timeout": 10,
    }
# A query that runs longer than this is cancelled and the user gets a 503 page (decisions.views.errors)
# instead of a request that hangs. Exports and log verification lift it for their own long reads.
# 0 switches it off (run `migrate` on a very large database with DATABASE_STATEMENT_TIMEOUT=0).
DATABASE_STATEMENT_TIMEOUT = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "30"))
if DATABASE_STATEMENT_TIMEOUT:
    DATABASES["default"]["OPTIONS"]["options"] = f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A PostgreSQL streaming replica for the heavy reads (decisions.replica, docs/capacity.md): exports,
# the verifier, the managers' dashboard and case chronology. Unset: everything reads the primary.
# Reads fall back to the primary when the replica is down or more than DATABASE_REPLICA_MAX_LAG
# seconds behind (checked at most every DATABASE_REPLICA_CHECK_SECONDS in each process). After a
# manager or auditor sends a form, their reads stay on the primary for
# DATABASE_REPLICA_READ_YOUR_WRITES_SECONDS (by default the lag limit plus the check interval, so
# whatever they wrote is on any replica they are sent back to).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG", "10"))
DATABASE_REPLICA_CHECK_SECONDS = float(os.environ.get("DATABASE_REPLICA_CHECK_SECONDS", "5"))
DATABASE_REPLICA_READ_YOUR_WRITES_SECONDS = float(
    os.environ.get("DATABASE_REPLICA_READ_YOUR_WRITES_SECONDS")
    or DATABASE_REPLICA_MAX_LAG + DATABASE_REPLICA_CHECK_SECONDS
)
# Seconds to wait for a replica connection before reading from the primary instead.
DATABASE_REPLICA_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_REPLICA_CONNECT_TIMEOUT", "2"))
if DATABASE_REPLICA_URL:
    replica_db = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=0, conn_health_checks=True)
    if replica_db["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must point at PostgreSQL.")
    replica_db["ENGINE"] = DATABASES["default"]["ENGINE"]
    replica_db["OPTIONS"] = {
        **{key: value for key, value in DATABASES["default"]["OPTIONS"].items() if key != "pool"},
        "connect_timeout": DATABASE_REPLICA_CONNECT_TIMEOUT,
        **replica_db.get("OPTIONS", {}),
    }
    if "pool" in DATABASES["default"]["OPTIONS"]:
        replica_db["OPTIONS"]["pool"] = {
            **DATABASES["default"]["OPTIONS"]["pool"],
            "min_size": 0,  # no connections kept open to a replica that is down
            "timeout": DATABASE_REPLICA_CONNECT_TIMEOUT,
        }
    replica_db["TEST"] = {"MIRROR": "default"}  # tests read "the replica" from the test database
    DATABASES["replica"] = replica_db
    DATABASE_ROUTERS = ["decisions.replica.ReplicaRouter"]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "decisions.accounts.backends.ModelBackend",  # Django's, loading roles and teams with the user
    "decisions.accounts.oidc.Backend",  # does nothing unless OIDC_ISSUER is set
]

# Single sign-on with the organisation's OpenID Connect provider (decisions.accounts.oidc, README).
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGORITHM", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
OIDC_USER_CLAIM = os.environ.get("OIDC_USER_CLAIM", "sub")  # "oid" for Microsoft Entra ID
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "")  # e.g. "groups"; empty: roles set in admin
OIDC_GROUP_ROLES = json.loads(os.environ.get("OIDC_GROUP_ROLES", "{}"))  # {"<group>": "Manager", ...}
OIDC_USE_PKCE = True
OIDC_TOKEN_USE_BASIC_AUTH = True
OIDC_STORE_ID_TOKEN = True  # for signing out at the provider too
OIDC_TIMEOUT = 10
OIDC_CLOCK_LEEWAY = 60
OIDC_CREATE_USER = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "decisions.accounts.validators.ContextWordsValidator"},
]
PASSWORD_CONTEXT_WORDS = env_list("PASSWORD_CONTEXT_WORDS")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in: an account locks after 5 failures from anywhere (axes); an address may fail
# SIGN_IN_ADDRESS_LIMIT times over all accounts before it must wait (decisions.accounts.throttle).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed sign-in kept (security log), not only the count
SIGN_IN_ADDRESS_LIMIT = int(os.environ.get("SIGN_IN_ADDRESS_LIMIT", "10"))
# axes.W006 asks for "ip_address" in axes' lockout: addresses are limited, by the throttle above,
# with their own (higher) limit, since axes has one limit for every parameter.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for one hour

# Two-factor (decisions.accounts.two_factor): always for managers, auditors and administrators
# with a local account; for practitioners with a local account when this is on.
TWO_FACTOR_PRACTITIONERS = env_bool("TWO_FACTOR_PRACTITIONERS", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Information sharing decisions")

# Email (password reset links). Nothing personal is ever put in an email.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@localhost")
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# One language, British English: dates and numbers still come from Django's en_GB formats
# (LANGUAGE_CODE), and Django's en_GB messages are its English ones. Without the translation
# machinery every gettext and get_language (a form's label suffix and messages, each date shown)
# is a plain lookup instead of a per-request one: 2-3% of a wizard page's CPU (py-spy on
# bench/bench_wizard.py's gunicorn workers).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

WHITENOISE_USE_FINDERS = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = ("gds",)
CRISPY_TEMPLATE_PACK = "gds"

# Sessions: answers live in server-side drafts, so a short session loses nothing.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(2 * 60 * 60)))
# However active, a session ends this long after sign-in (decisions.accounts.sessions).
SESSION_ABSOLUTE_AGE = int(os.environ.get("SESSION_ABSOLUTE_AGE", str(10 * 60 * 60)))
# Written when it changes, and at most every SESSION_REFRESH_SECONDS to start the idle time again
# (decisions.accounts.sessions.refresh): not on every request, which cost three SQL statements.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = int(os.environ.get("SESSION_REFRESH_SECONDS", "60"))
# The timeout warning opens this many seconds before the session ends (GOV.UK: two minutes).
SESSION_TIMEOUT_WARNING_SECONDS = int(os.environ.get("SESSION_TIMEOUT_WARNING_SECONDS", "120"))
SESSION_ENGINE = "sharing_wizard.sessions"  # retries a save once after a database restart
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Flash messages live in the session, not in a cookie of their own (one cookie fewer to explain
# on the cookies page, and no text about records in the browser).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Security headers. Development over plain HTTP opts out through DEBUG.
SECURE = not DEBUG
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
# "__Host-" cookies are only accepted over HTTPS, for this host alone and the whole path, so no
# other host (a sibling subdomain) can set or overwrite them. Plain names for HTTP development.
SESSION_COOKIE_NAME = "__Host-sessionid" if SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE else "csrftoken"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if SECURE else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Alerts (decisions.alerts). The in-service notification is the record; the email is a copy, sent
# by the procrastinate worker (`manage.py procrastinate worker`) through Django's email framework.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@localhost")
# The address people sign in at, for the links in emails (emails carry no personal data).
SERVICE_URL = os.environ.get("SERVICE_URL", "http://127.0.0.1:8000").rstrip("/")
ALERTS_ENABLED = env_bool("ALERTS_ENABLED", True)
# A failed send is tried again after 30 s, 1 min, 2 min... and marked failed after the last try.
ALERTS_EMAIL_MAX_ATTEMPTS = int(os.environ.get("ALERTS_EMAIL_MAX_ATTEMPTS", "8"))
ALERTS_RETRY_BASE_SECONDS = int(os.environ.get("ALERTS_RETRY_BASE_SECONDS", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"pgserver": {"level": "WARNING"}, "procrastinate": {"level": "WARNING"}},
}

# Signed checkpoints of the decision log (docs/audit.md). The private key stays on the app server:
# a PEM file (AUDIT_SIGNING_KEY_FILE, made by `manage.py checkpoint_keygen`) or the PEM text in
# AUDIT_SIGNING_KEY. Never in the database. Without one, no checkpoints are made and manifests are
# not signed. AUDIT_PREVIOUS_PUBLIC_KEYS: comma-separated PEM public key files of retired keys,
# so checkpoints they signed still verify after a rotation. AUDIT_WITNESS: a folder (checkpoints
# are appended to its checkpoints.jsonl) or an http(s) URL (each checkpoint is POSTed as JSON),
# somewhere the database's administrators cannot write.
AUDIT_SIGNING_KEY_FILE = os.environ.get("AUDIT_SIGNING_KEY_FILE", "")
AUDIT_SIGNING_KEY = os.environ.get("AUDIT_SIGNING_KEY", "")
AUDIT_PREVIOUS_PUBLIC_KEYS = [
    path.strip() for path in os.environ.get("AUDIT_PREVIOUS_PUBLIC_KEYS", "").split(",") if path.strip()
]
AUDIT_WITNESS = os.environ.get("AUDIT_WITNESS", "")
AUDIT_LOG_ORIGIN = os.environ.get("AUDIT_LOG_ORIGIN", "sharing-wizard decision log")
