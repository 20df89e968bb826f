"""Django settings, read from environment variables with embedded defaults.

The embedded default keeps everything in one data folder (``TOCSIN_HOME``,
default ``./var``): the SQLite database in WAL mode and the Celery broker on
SQLite through kombu's SQLAlchemy transport. ``DATABASE_URL`` switches the
database to PostgreSQL and ``TOCSIN_BROKER_URL`` the broker to Redis or
RabbitMQ.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

from tocsin.audit.schedule import BEAT_SCHEDULE as AUDIT_SCHEDULE
from tocsin.delivery.routing import CELERY_TASK_ROUTES as DELIVERY_TASK_ROUTES
from tocsin.vault.schedule import BEAT_SCHEDULE as VAULT_SCHEDULE

BASE_DIR = Path(__file__).resolve().parent
TOCSIN_HOME = Path(os.environ.get("TOCSIN_HOME", "var")).resolve()


def _read_or_create_secret_key(home: Path) -> str:
    key_file = home / "django-secret-key"
    if key_file.exists():
        return key_file.read_text().strip()
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.touch(mode=0o600)
    key_file.write_text(key)
    return key


SECRET_KEY = os.environ.get("TOCSIN_SECRET_KEY") or _read_or_create_secret_key(
    TOCSIN_HOME
)
DEBUG = os.environ.get("TOCSIN_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("TOCSIN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "tocsin.audit",
    "tocsin.incidents",
    "tocsin.vault",
    "tocsin.sources",
    "tocsin.reconciliation",
    "tocsin.assessment",
    "tocsin.compliance",
    "tocsin.notices",
    "tocsin.delivery",
    "tocsin.reports",
    "tocsin.console",
    "tocsin.public",
    "tocsin.drills",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-axes comes last, after authentication, to record each outcome.
    "axes.middleware.AxesMiddleware",
]

# django-axes checks the lockout before any other backend authenticates.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "tocsin.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
WSGI_APPLICATION = "tocsin.wsgi.application"


def _database_settings() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60)
    # TOCSIN_SQLITE_PATH lets a test's worker processes open the test database.
    sqlite_path = Path(
        os.environ.get("TOCSIN_SQLITE_PATH") or TOCSIN_HOME / "tocsin.sqlite3"
    )
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(sqlite_path),
        # WAL lets the console read while a worker writes; the timeout covers
        # the short write locks that several worker processes take in turn.
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        },
        "TEST": {"NAME": str(TOCSIN_HOME / "test.sqlite3")},
    }


DATABASES = {"default": _database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"

# Celery. The embedded broker keeps its queue in the data folder; task
# arguments are ids only, so the broker never contains contact details.
CELERY_BROKER_URL = os.environ.get(
    "TOCSIN_BROKER_URL", f"sqla+sqlite:///{TOCSIN_HOME / 'broker.sqlite3'}"
)
CELERY_RESULT_BACKEND = os.environ.get("TOCSIN_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Keep Django's LOGGING (JSON, no personal data) in worker processes too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_REDIRECT_STDOUTS = False
# Periodic work: audit checkpoints and vault purges. Run beat once per
# installation (`tocsin worker --beat` or `celery beat`).
CELERY_BEAT_SCHEDULE = (
    AUDIT_SCHEDULE
    | VAULT_SCHEDULE
    | {
        # The embedded broker never redelivers a killed worker's task, so
        # stalled extraction runs are picked up again every minute.
        "sources-resume-stalled-runs": {
            "task": "tocsin.sources.tasks.resume_stalled_runs_task",
            "schedule": 60.0,
        },
        # Deadline alerts and letter or SMS follow-ups for running incidents.
        "delivery-watch-notifying-incidents": {
            "task": "tocsin.delivery.tasks.watch_notifying_incidents",
            "schedule": 300.0,
        },
    }
)
CELERY_BEAT_SCHEDULE_FILENAME = str(TOCSIN_HOME / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = os.environ.get("TOCSIN_EAGER_TASKS", "") == "1"

# Email over SMTP. The demo points this at a local aiosmtpd server.
EMAIL_BACKEND = os.environ.get(
    "TOCSIN_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("TOCSIN_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("TOCSIN_SMTP_PORT", "1025"))
EMAIL_HOST_USER = os.environ.get("TOCSIN_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TOCSIN_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("TOCSIN_SMTP_STARTTLS", "") == "1"
EMAIL_TIMEOUT = int(os.environ.get("TOCSIN_SMTP_TIMEOUT", "30"))
TOCSIN_NOTICE_SENDER = os.environ.get(
    "TOCSIN_NOTICE_SENDER", "Privacy Office <privacy@example.com>"
)

# Folder of operator-supplied law files that add to or override the bundled
# ones, so a rule can change without a release.
TOCSIN_LAWS_DIR = os.environ.get("TOCSIN_LAWS_DIR") or None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "tocsin.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("TOCSIN_LOG_LEVEL", "WARNING"),
    },
    "loggers": {
        "tocsin": {"level": os.environ.get("TOCSIN_LOG_LEVEL", "INFO")},
        # The worker's "ready" line, which scripts and tests wait for.
        "celery.apps.worker": {"level": "INFO"},
    },
}


# --- Console: sign-in, sessions, cookies and Content-Security-Policy ------
# Settings of the operator console (tocsin.console) and the public notice
# page (tocsin.public). Everything console-specific stays in this block.
INSTALLED_APPS += ["axes"]

# Argon2id first: new and re-hashed passwords use it. PBKDF2 stays so that
# accounts created before argon2-cffi was installed can still sign in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Paths, not URL names: a test with its own URLconf still gets a redirect
# from login_required rather than a NoReverseMatch.
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# Browsers treat http://127.0.0.1 and http://localhost as secure contexts,
# so Secure cookies work there. Set TOCSIN_SECURE_COOKIES=0 only to serve
# the console over plain HTTP under another host name, such as in a lab.
_SECURE_COOKIES = os.environ.get("TOCSIN_SECURE_COOKIES", "1") != "0"
SESSION_COOKIE_SECURE = _SECURE_COOKIES
CSRF_COOKIE_SECURE = _SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
# A console session lasts one working shift at most.
SESSION_COOKIE_AGE = int(os.environ.get("TOCSIN_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_FAILURE_VIEW = "tocsin.console.auth.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HSTS only when the console is served over HTTPS. 0 sends no header.
SECURE_HSTS_SECONDS = int(os.environ.get("TOCSIN_HSTS_SECONDS", "0"))

# No inline script or style anywhere: every page loads its stylesheet and
# scripts from the console's own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

# Lock out a user name from one address after 5 failed sign-ins for 15
# minutes. A successful sign-in resets the count. Keying on the pair means
# an attacker elsewhere cannot lock an operator out of their own address.
AXES_FAILURE_LIMIT = int(os.environ.get("TOCSIN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "console/locked_out.html"

# Hours before an owed obligation's deadline at which the console shows
# the deadline banner.
TOCSIN_DEADLINE_WARNING_HOURS = int(
    os.environ.get("TOCSIN_DEADLINE_WARNING_HOURS", "72")
)
# --- end of console settings ----------------------------------------------


# --- Delivery providers ---
# Each channel has its own queue, so a slow provider never holds up another.
CELERY_TASK_ROUTES = DELIVERY_TASK_ROUTES

# Provider webhook secrets. A key is set only when its variable is, because
# anymail's views refuse to start with an empty key, and Tocsin's webhook
# views reject every request while their key is missing.
ANYMAIL = {
    name: os.environ[f"TOCSIN_{name}"]
    for name in (
        "WEBHOOK_SECRET",
        "SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY",
        "MAILGUN_WEBHOOK_SIGNING_KEY",
    )
    if os.environ.get(f"TOCSIN_{name}")
}
