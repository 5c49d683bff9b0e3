"""Settings for guanxi, read from the environment.

Every value has a default that makes the embedded mode (SQLite in ``$GUANXI_HOME``) work with no
configuration. Production hardening lives in ``guanxi.config.production``.
"""

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


GUANXI_HOME = Path(os.environ.get("GUANXI_HOME", "var")).resolve()
GUANXI_HOME.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use GUANXI_SECRET_KEY, else a key generated once and kept in the data directory."""
    configured = os.environ.get("GUANXI_SECRET_KEY")
    if configured:
        return configured
    key_file = GUANXI_HOME / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("GUANXI_DEBUG")
ALLOWED_HOSTS = os.environ.get("GUANXI_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("GUANXI_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "ninja",
    "guanxi.core",
    "guanxi.people",
    "guanxi.governance",
    "guanxi.customers",
    "guanxi.engagement",
    "guanxi.sales",
    "guanxi.insights",
    "guanxi.visits",
    "guanxi.keyaccounts",
    "guanxi.performance",
    "guanxi.web",
    "guanxi.api",
]

MIDDLEWARE = [
    "guanxi.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "guanxi.people.middleware.UserLanguageMiddleware",
    "guanxi.people.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "guanxi.config.urls"
WSGI_APPLICATION = "guanxi.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guanxi.web.context_processors.navigation",
            ],
        },
    }
]


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL")
    if url:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    else:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(GUANXI_HOME / "guanxi.sqlite3")}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers and one writer work at once; IMMEDIATE makes a writer take the lock up
        # front so concurrent writers wait (up to the timeout) instead of failing mid-transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                " PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000;"
            ),
        }
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "guanxi.people.validators.ContextWordValidator"},
]
# Django's model backend behind the sign-in counters of SECURITY AUTHN-02 (guanxi.people.throttle).
AUTHENTICATION_BACKENDS = ["guanxi.people.throttle.ThrottledModelBackend"]
GUANXI_SIGN_IN_LIMITS: dict = {}  # e.g. {"per_user_and_ip": 11, "per_ip": 50, "per_user": 100}
# Addresses of reverse proxies in front of guanxi (comma-separated): behind them, the client's address
# is read from X-Forwarded-For, so the sign-in counters see people, not the proxy.
GUANXI_TRUSTED_PROXIES = [
    a.strip() for a in os.environ.get("GUANXI_TRUSTED_PROXIES", "").split(",") if a.strip()
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("GUANXI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = GUANXI_HOME / "static"
STATIC_ROOT.mkdir(
    exist_ok=True
)  # WhiteNoise serves from the finders in the embedded mode, but wants the folder
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_AGE = 12 * 60 * 60  # absolute lifetime
GUANXI_SESSION_IDLE_SECONDS = int(os.environ.get("GUANXI_SESSION_IDLE_SECONDS", 30 * 60))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("GUANXI_SMTP_HOST", "localhost"),
            "port": int(os.environ.get("GUANXI_SMTP_PORT", 25)),
            "username": os.environ.get("GUANXI_SMTP_USER", ""),
            "password": os.environ.get("GUANXI_SMTP_PASSWORD", ""),
            "use_tls": env_bool("GUANXI_SMTP_STARTTLS"),
            "timeout": 20,
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("GUANXI_FROM_EMAIL", "guanxi@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GUANXI_LOG_LEVEL", "WARNING")},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
GUANXI_SCHEDULE = "guanxi.config.schedule.PERIODIC_JOBS"

# The CJK font embedded in PDFs (the archive dossier); empty means "look in the usual Debian paths".
GUANXI_CJK_FONT = os.environ.get("GUANXI_CJK_FONT", "")
GUANXI_CJK_FONT_BOLD = os.environ.get("GUANXI_CJK_FONT_BOLD", "")

# Paging limits shared by the web and the API.
GUANXI_PAGE_SIZE = 25
GUANXI_MAX_PAGE_SIZE = 100
