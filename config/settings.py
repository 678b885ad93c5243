"""Settings of Parcours TPE: one module, driven by environment variables.

Development defaults are safe and need no server (SQLite under var/, a filesystem
Celery broker). Production (DEBUG off) refuses to start without SECRET_KEY and
ALLOWED_HOSTS. Every variable is listed in the README, « Configuration ».
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envstr(name, default=""):
    """A string from the environment; an empty value counts as unset."""
    return os.environ.get(name, "").strip() or default


def envbool(name, default=False):
    """A boolean from the environment: 1/true/yes/on or 0/false/no/off."""
    value = envstr(name).lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on", "oui"):
        return True
    if value in ("0", "false", "no", "off", "non"):
        return False
    raise ImproperlyConfigured(f"La variable {name} doit valoir true ou false, pas « {value} ».")


def envint(name, default):
    """An integer from the environment."""
    value = envstr(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"La variable {name} doit être un nombre entier, pas « {value} »."
        ) from None


def envlist(name, default=()):
    """A comma-separated list from the environment."""
    value = envstr(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
VAR_DIR = Path(envstr("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "La variable SECRET_KEY est obligatoire en production (DEBUG désactivé). "
            "En développement, lancez avec DEBUG=true ou utilisez « make run »."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "La variable ALLOWED_HOSTS est obligatoire en production (DEBUG désactivé), "
            "par exemple ALLOWED_HOSTS=parcours-tpe.montpellier3m.fr."
        )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# Base of the links in e-mails sent by background tasks (no request at hand there).
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "common.admin_site.ParcoursAdminConfig",  # django.contrib.admin, its site kept per permissions
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "import_export",
    "simple_history",
    "common",
    "partners",
    "programme",
    "enterprises",
    "grant",
    "demo",
    "config.apps.ProjectConfig",
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
    "partners.middleware.AuditContextMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "partners.middleware.DeactivatedSessionMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "partners.middleware.StaffMfaRequiredMiddleware",
    "partners.middleware.NoStoreMiddleware",
]

# Under `make run` (DEBUG on), a missing page shows « Page introuvable » as in production;
# DEBUG_404=true brings Django's technical page (every URL listed) back for developers.
DEBUG_404 = envbool("DEBUG_404", False)
if DEBUG and not DEBUG_404:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "config.middleware.FriendlyNotFoundMiddleware",
    )

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "enterprises.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------


def database_from_url(url):
    """Parse DATABASE_URL; an unusable value stops the start with a clear message."""
    try:
        config = dj_database_url.parse(url, conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60))
    except Exception as exc:  # dj-database-url raises several kinds of error
        raise ImproperlyConfigured(
            f"La variable DATABASE_URL est invalide ({exc}). "
            "Forme attendue : postgres://utilisateur:motdepasse@hôte:5432/base"
        ) from None
    engine = config.get("ENGINE", "")
    if engine not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured(
            "La variable DATABASE_URL doit désigner PostgreSQL (postgres://…) ou SQLite "
            f"(sqlite:///…), pas « {urlsplit(url).scheme} »."
        )
    if engine == "django.db.backends.postgresql" and not config.get("NAME"):
        raise ImproperlyConfigured(
            "La variable DATABASE_URL ne nomme pas de base de données "
            "(le chemin après l'hôte, par exemple /parcours_tpe)."
        )
    return config


DATABASE_URL = envstr("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "parcours_tpe.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery ---------------------------------------------------

REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down: falls back to process memory with a log line (decision 010).
            "BACKEND": "common.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "parcours-tpe",
            # An unreachable Redis must answer in a second, not hold the request.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without Redis, Kombu's filesystem transport lets a worker in another process pick
# tasks up with no server to install (docs/decisions/001-embedded-broker.md).
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_DIR = VAR_DIR / "celery"
if not REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        # Kombu writes its exchange tables to ./control unless told otherwise.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message taken by a worker that vanished comes back after this delay; longer
        # than any task's time limit (reports 6 min, imports and exports 30 min), or a
        # task still running would be delivered twice.
        "visibility_timeout": 3600,
        # An unreachable Redis answers fast instead of holding a request (decision 010).
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged once done, and given back to the queue if its worker process
# dies: the task sees its own claim still « running » and marks it failed.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Sending a task to an unreachable broker gives up after about a second: the row stays
# « queued » and the sweepers below send it again.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BEAT_SCHEDULE = {
    "remind-partners": {
        "task": "enterprises.tasks.remind_partners",
        "schedule": crontab(hour=8, minute=0),
    },
    "weekly-digest": {
        "task": "enterprises.tasks.weekly_digest",
        "schedule": crontab(hour=8, minute=15, day_of_week="mon"),
    },
    "remind-join-requests": {
        "task": "enterprises.tasks.remind_join_requests",
        "schedule": crontab(hour=8, minute=30, day_of_week="mon-fri"),
    },
    "purge-join-requests": {
        "task": "enterprises.tasks.purge_join_requests",
        "schedule": crontab(hour=3, minute=30),
    },
    "six-month-surveys": {
        "task": "enterprises.tasks.six_month_surveys",
        "schedule": crontab(hour=10, minute=0),
    },
    # Work queued while the broker was unreachable is sent again (decision 010).
    "sweep-queued-emails": {"task": "partners.tasks.sweep_queued_emails", "schedule": 300.0},
    "sweep-queued-reports": {"task": "grant.tasks.sweep_queued_reports", "schedule": 300.0},
    "sweep-queued-jobs": {"task": "enterprises.jobs.sweep_queued_jobs", "schedule": 300.0},
}
# Whether conseillers (not only staff) may hand an enterprise to a partner.
ASSIGNMENTS_BY_CONSEILLERS = envbool("ASSIGNMENTS_BY_CONSEILLERS", False)
# Days a partner still sees an enterprise after declining its orientation, or after the
# orientation expired (contacts and editing stop at once):
# docs/decisions/007-orientation-end-grace-period.md.
ORIENTATION_GRACE_DAYS = envint("ORIENTATION_GRACE_DAYS", 30)

# --- The entrepreneurs' door: « Rejoindre le parcours » and the survey -----------------

# Anti-spam of the public form, without a captcha (README, « Demandes des entrepreneurs »).
JOIN_MIN_FILL_SECONDS = envint("JOIN_MIN_FILL_SECONDS", 5)
JOIN_MAX_PER_IP_PER_HOUR = envint("JOIN_MAX_PER_IP_PER_HOUR", 10)
JOIN_MAX_PER_SIRET_PER_DAY = envint("JOIN_MAX_PER_SIRET_PER_DAY", 2)
# The communes of the territory offered on the form.
TERRITORY_COMMUNES = envlist(
    "TERRITORY_COMMUNES",
    (  # noqa: SIM905  (one string: 31 lines as a list would be)
        "Montpellier,Baillargues,Beaulieu,Castelnau-le-Lez,Castries,Clapiers,Cournonsec,"
        "Cournonterral,Fabrègues,Grabels,Jacou,Juvignac,Lattes,Lavérune,Le Crès,Montaud,"
        "Montferrier-sur-Lez,Murviel-lès-Montpellier,Pérols,Pignan,Prades-le-Lez,"
        "Restinclières,Saint-Brès,Saint-Drézéry,Saint-Geniès-des-Mourgues,"
        "Saint-Georges-d'Orques,Saint-Jean-de-Védas,Saussan,Sussargues,Vendargues,"
        "Villeneuve-lès-Maguelone"
    ).split(","),
)
# Partners the Métropole should call (« à appeler cette semaine »): on enough cases to
# mean something, a high refusal rate or a low share of « aide proposée », or low
# satisfaction. Rates in percent.
CALL_MIN_ASSIGNMENTS = envint("CALL_MIN_ASSIGNMENTS", 10)
CALL_REFUSAL_RATE_FROM = envint("CALL_REFUSAL_RATE_FROM", 30)
CALL_HELPED_SHARE_UP_TO = envint("CALL_HELPED_SHARE_UP_TO", 25)
CALL_MIN_ANSWERS = envint("CALL_MIN_ANSWERS", 20)
CALL_SATISFACTION_UP_TO = envint("CALL_SATISFACTION_UP_TO", 45)

# --- Legal pages: who publishes, who to write to (another collectivité sets its own) -

LEGAL = {
    "publisher": envstr("LEGAL_PUBLISHER", "Montpellier Méditerranée Métropole"),
    "publisher_address": envstr(
        "LEGAL_PUBLISHER_ADDRESS", "50 place Zeus, CS 39556, 34961 Montpellier Cedex 2"
    ),
    "publisher_phone": envstr("LEGAL_PUBLISHER_PHONE"),
    "publication_director": envstr(
        "LEGAL_PUBLICATION_DIRECTOR", "le Président de Montpellier Méditerranée Métropole"
    ),
    "host": envstr("LEGAL_HOST", "à compléter : nom, adresse et téléphone de l'hébergeur"),
    "contact_email": envstr("LEGAL_CONTACT_EMAIL", "parcours-tpe@montpellier3m.fr"),
    "dpo_contact": envstr(
        "LEGAL_DPO_CONTACT",
        "Délégué à la protection des données de Montpellier Méditerranée Métropole, "
        "50 place Zeus, CS 39556, 34961 Montpellier Cedex 2",
    ),
    "accessibility_status": envstr("LEGAL_ACCESSIBILITY_STATUS", "non conforme"),
    "accessibility_audit": envstr(
        "LEGAL_ACCESSIBILITY_AUDIT",
        "Aucun audit RGAA complet n'a encore été mené. Les pages publiques sont vérifiées "
        "automatiquement (axe) à chaque modification.",
    ),
    "accessibility_date": envstr("LEGAL_ACCESSIBILITY_DATE", "décembre 2026"),
}

# --- Authentication ------------------------------------------------------------

AUTH_USER_MODEL = "partners.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Invitations prove the address; any other address (a change, an account made in the
# admin) is confirmed by a code sent to it before it can be used to log in.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_ADAPTER = "partners.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False  # log in again after a reset: MFA is never bypassed
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Parcours TPE] "
# Tell people when their password, address or MFA changes (a sign of intrusion otherwise).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
ALLAUTH_TRUSTED_PROXY_COUNT = envint("ALLAUTH_TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Parcours TPE"
# The setup page keeps its secret for the session until confirmed (partners/forms.py).
MFA_FORMS = {"activate_totp": "partners.forms.StableActivateTOTPForm"}
# One period of drift either way (RFC 6238 §5.2): phones' clocks are not exact.
MFA_TOTP_TOLERANCE = 1

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "partners.validators.CnilPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation ------------------------------------------------------

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(VAR_DIR / "static")))
# Uploaded files (receipts, reports) are never served from a public URL: a view
# checks the visibility rule before sending them (docs/architecture.md, « Visibility »).
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            # WhiteNoise's compressed manifest storage, each URL computed once a process.
            else "common.staticfiles.RememberedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- E-mail ----------------------------------------------------------------------

DEFAULT_FROM_EMAIL = envstr(
    "DEFAULT_FROM_EMAIL", "Parcours TPE <ne-pas-repondre@parcours-tpe.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = envstr("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", 587)
    EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
else:
    # No SMTP server configured: e-mails are written to var/mail, one file each.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# --- Security ----------------------------------------------------------------------

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Secure by default when DEBUG is off: HTTPS only, HSTS for a year, secure cookies. Each
# can be turned off explicitly (a test server on plain HTTP: SECURE_SSL_REDIRECT=false…).
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
# Served from its own host name, the application can commit its sub-domains to HTTPS.
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
# Preloading commits the whole domain to browsers' built-in lists for months, hard to
# undo: only when asked for. Its deploy-check reminder is silenced when not asked.
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline script or style anywhere: everything comes from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}
if ALLAUTH_TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging: no personal data, only what operators need -------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Query strings (searches) and single-use tokens never reach the log (config.access_log).
    "filters": {"masking": {"()": "config.access_log.MaskingFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["masking"],
        }
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own handlers (« Not Found: /invitation/<token>/ », runserver's request
        # lines) would skip the masking filter: everything goes through ours.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
