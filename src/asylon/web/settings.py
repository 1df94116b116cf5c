"""Django settings for Asylon's web application.

SQLite (a file under var/) is the embedded default; PostgreSQL is the production database,
chosen with ``DATABASE_URL`` (``postgres://user:pass@host:5432/name``). Secure by default:
DEBUG is off unless ``ASYLON_DEBUG=1``; the secret key comes from ``ASYLON_SECRET_KEY`` or a
file created once under var/ (never in the repository); Argon2 password hashing; CSRF,
clickjacking, referrer and content-security headers; sessions expire.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from asylon.paths import var_dir

BASE_DIR = Path(__file__).resolve().parent
DEBUG = os.environ.get("ASYLON_DEBUG") == "1"


def _secret_key() -> str:
    if key := os.environ.get("ASYLON_SECRET_KEY"):
        return key
    path = var_dir() / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [
    h for h in os.environ.get("ASYLON_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "ninja",
    "asylon.web.accounts",
    "asylon.web.audit",
    "asylon.web.cases",
    "asylon.web.timeline",
    "asylon.web.api",
    "asylon.web.demo",
    "asylon.web.documents",
    "asylon.web.evidence",
    "asylon.web.register",
    "asylon.web.screening",
    "asylon.web.stats",
    "asylon.web.exports",
    "asylon.web.victims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "asylon.web.security.ContentSecurityPolicyMiddleware",
    "asylon.web.security.RefuseNulMiddleware",
    "axes.middleware.AxesMiddleware",
    "asylon.web.accounts.middleware.StrongAuthenticationMiddleware",
]

# Login throttling (django-axes): after 5 failed attempts for one username from one address,
# that pair is locked out for 15 minutes; the lockout answers 429 without saying whether the
# account exists.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Strong authentication (accounts/mfa.py): a second factor (authenticator app or security key)
# is mandatory for these roles and optional for the others; exports and deletions want a
# re-authentication within ASYLON_REAUTH_SECONDS; wrong second-factor answers lock the user
# out of the second step after ASYLON_MFA_FAILURE_LIMIT in a row, for ASYLON_MFA_LOCKOUT_SECONDS.
# WebAuthn works only over HTTPS (or http://localhost): ASYLON_WEBAUTHN_RP_ID is the host name
# users type, ASYLON_WEBAUTHN_ORIGIN the page origin (both default to the request's).
ASYLON_MFA_REQUIRED_ROLES = tuple(
    r for r in os.environ.get("ASYLON_MFA_REQUIRED_ROLES", "admin,supervisor").split(",") if r
)
ASYLON_REAUTH_SECONDS = 10 * 60
ASYLON_MFA_FAILURE_LIMIT = 5
ASYLON_MFA_LOCKOUT_SECONDS = 15 * 60
ASYLON_WEBAUTHN_RP_ID = os.environ.get("ASYLON_WEBAUTHN_RP_ID", "")
ASYLON_WEBAUTHN_ORIGIN = os.environ.get("ASYLON_WEBAUTHN_ORIGIN", "")

ROOT_URLCONF = "asylon.web.urls"
WSGI_APPLICATION = "asylon.web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
# Form fields render through Django's Jinja2 copies of its form templates (same HTML,
# autoescaped): Django's template engine spent about 3 ms of every dashboard on two small forms'
# labels and widgets.
FORM_RENDERER = "django.forms.renderers.Jinja2"

# "default": per process, for small things cheap to recompute. "alerts": the dashboard's alert
# digests, shared by every server process through files (asylon.web.timeline.alert_cache
# encrypts each digest with the data key before it is stored).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "alerts": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(var_dir() / "cache" / "alerts"),
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{var_dir() / 'asylon.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Write-ahead logging lets pages read while another request writes; every commit is still
    # synced to disk (synchronous=FULL); a writer takes its lock at BEGIN, so two writers
    # queue for up to 20 s instead of failing with "database is locked". Asylon's backend
    # queues its transactions on a lock file, so that a writer goes in as soon as the one
    # before it leaves (asylon.web.db.sqlite3 says why).
    DATABASES["default"]["ENGINE"] = "asylon.web.db.sqlite3"
    # Tests run on an in-memory database, as with Django's own engine name (pytest-django
    # tells SQLite by that name, and would give each test worker a file of its own instead).
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", ":memory:")
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Sessions expire after 8 hours and when the browser closes; cookies are HTTP-only.
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = os.environ.get("ASYLON_HTTPS") == "1"
# Over HTTPS, browsers are told to use nothing else for a year (RFC 6797); subdomains are the
# operator's to decide (ASYLON_HSTS_SUBDOMAINS=1).
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if os.environ.get("ASYLON_HTTPS") == "1" else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("ASYLON_HSTS_SUBDOMAINS") == "1"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
from asylon.web.security import static_headers as _static_headers  # noqa: E402

WHITENOISE_USE_FINDERS = True  # serve straight from the package: no collectstatic step
WHITENOISE_ALLOW_ALL_ORIGINS = False  # no Access-Control-Allow-Origin: * on our files
WHITENOISE_ADD_HEADERS_FUNCTION = _static_headers
# The page starts a linkage run as a process of its own (asylon.web.victims.jobs); off only
# where that process cannot reach the database (the tests' in-memory SQLite).
ASYLON_VICTIMS_LINK_IN_BACKGROUND = True
ASYLON_LOCKS_DIR = str(var_dir() / "locks")  # one linkage run at a time (flock)
# Uploaded documents: content-addressed files under var/documents (or ASYLON_DOCUMENTS_DIR);
# large uploads are spooled next to them, never in the system temp folder.
ASYLON_DOCUMENTS_DIR = os.environ.get("ASYLON_DOCUMENTS_DIR") or str(var_dir() / "documents")
Path(ASYLON_DOCUMENTS_DIR).mkdir(mode=0o700, parents=True, exist_ok=True)
FILE_UPLOAD_TEMP_DIR = ASYLON_DOCUMENTS_DIR
# Encryption at rest (asylon.web.crypto): the data key file, outside the database and the
# repository; empty means var/data-keys.json (created 0600 on first use). `asylon keys ...`.
ASYLON_DATA_KEY_FILE = os.environ.get("ASYLON_DATA_KEY_FILE", "")

# No personal data in application logs: requests are not logged with their parameters, and
# errors go to the console without local variables (Django's default mail handler is off).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING"}},
}
