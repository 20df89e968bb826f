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
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
# arguments are ids only, so the broker never holds contact details.
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
CELERY_BEAT_SCHEDULE: dict = {}
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
