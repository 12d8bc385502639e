"""Settings for the CoP Portal, read from the environment.

DJANGO_ENV picks the mode: "embedded" (the default: SQLite under var/, eager tasks,
console email, DEBUG on) or "production" (PostgreSQL, Redis, SMTP, hardened).
"""

import importlib.util
import os
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from members.sso import openid_connect_apps, provider_origins

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Mode -------------------------------------------------------------------------

DJANGO_ENV = env.str("DJANGO_ENV", default="embedded")
if DJANGO_ENV not in {"embedded", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be 'embedded' or 'production', not {DJANGO_ENV!r}."
    )
EMBEDDED = DJANGO_ENV == "embedded"
PRODUCTION = not EMBEDDED

# --- Security ---------------------------------------------------------------------

EMBEDDED_SECRET_KEY = "embedded-mode-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105 - public on purpose; production refuses it
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if (
        len(SECRET_KEY) < 50
        or SECRET_KEY == EMBEDDED_SECRET_KEY
        or SECRET_KEY.startswith("django-insecure")
    ):
        raise ImproperlyConfigured(
            "Production mode needs SECRET_KEY: at least 50 random characters, not a default."
        )
else:
    SECRET_KEY = env.str("SECRET_KEY", default=EMBEDDED_SECRET_KEY)
# Keys replaced by SECRET_KEY, still accepted for what they signed or encrypted (sessions,
# links in emails, two-factor secrets until `encrypt_mfa_secrets` re-encrypts them).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

DEBUG = env.bool("DEBUG", default=EMBEDDED) and EMBEDDED
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if EMBEDDED else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if PRODUCTION:
    # Behind a TLS-terminating load balancer that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- Applications -----------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    # Django's form widget templates, found by the project's engine (FORM_RENDERER below).
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "members",
    "practice",
    "forums",
    "feedback",
    "search",
    "insights",
    "operations",
]
# The migration linter is a development tool (not in the production image): `make checks`
# runs `lintmigrations`, which fails on a new migration that would lock or break a live
# database while the old code still runs. The migrations listed are applied in production
# already, so only newer ones are judged (names match in any app: a new app's 0001_initial
# only creates its own tables). Plain CREATE INDEX counts as an error too:
# cop_portal.migration_operations.AddIndexConcurrently keeps tables writable instead.
if importlib.util.find_spec("django_migration_linter"):
    INSTALLED_APPS.append("django_migration_linter")
    MIGRATION_LINTER_OPTIONS = {
        "exclude_apps": ["account", "mfa", "socialaccount"],
        "ignore_name": [
            "0001_initial",
            "0002_loop_in_time_and_follow_through",
            "0002_notification_outbox",
            "0002_resource_file_random_path",
            "0003_history_labelled_and_delivered",
            "0003_loop_roles_budgets_matters",
            "0003_notification_newest_idx",
            "0004_response_actions_follow_progress",
            "0004_strategic_members_become_executives",
            "0005_action_follows_progress",
            "0005_issue_counters_and_search",
            "0006_list_indexes",
            "0006_meeting_forum_start_idx",
        ],
        "warnings_as_errors": ["CREATE_INDEX", "CREATE_INDEX_EXCLUSIVE"],
        "no_cache": True,
    }

MIDDLEWARE = [
    # First, so that every line logged while serving a request carries its id.
    "operations.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "cop_portal.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "operations.middleware.PermissionRefusedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "members.middleware.MFARequiredMiddleware",
    "members.middleware.PasswordsOffMiddleware",
]

ROOT_URLCONF = "cop_portal.urls"
WSGI_APPLICATION = "cop_portal.wsgi.application"

# Widgets render through the project's template engine, so that templates/django/forms can
# replace one of Django's widget templates (the select, drawn without an include per option).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

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
                "members.context_processors.portal",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'cop_portal.sqlite3'}")
}
if EMBEDDED and "DATABASE_URL" not in env:
    VAR_DIR.mkdir(exist_ok=True)
# Persistent connections in production: a connection keeps the statements it has prepared
# and their plans (below) for as long as it lives, so it lives ten minutes, and one the
# server has closed meanwhile is replaced before a request uses it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = PRODUCTION
# Planner settings for the portal's connections: on SSD storage index reads cost little more
# than sequential ones (PostgreSQL's default random_page_cost of 4 makes it scan whole tables
# instead), and JIT compiling only slows the short queries a web page makes. Empty leaves
# the server's settings (pgbouncer in transaction mode refuses startup options: set them on
# the database there).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and (
    pg_options := env.str("POSTGRES_OPTIONS", default="-c random_page_cost=1.1 -c jit=off")
):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = pg_options
# Prepared statements: with server-side binding, psycopg prepares a statement once a
# connection has run it `prepare_threshold` times, and PostgreSQL then plans it once per
# connection instead of on every page (an issue page's queries took 9 ms to plan and 1.5 ms
# to run). pgbouncer in transaction mode keeps them only from 1.21 with
# max_prepared_statements set; turn them off in front of an older one.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=env.int("DATABASE_PREPARE_THRESHOLD", default=5)
    )
# Pages whose queries read by keys and indexed orders keep one plan per statement for the
# connection (cop_portal.db.plans_kept_for_every_value), by a session setting: turn it off
# behind pgbouncer in transaction mode, where the setting would reach other clients.
DATABASE_KEPT_PLANS = env.bool("DATABASE_KEPT_PLANS", default=True)
# A psycopg connection pool in each web or worker process (PostgreSQL only), instead of
# persistent connections; or put pgbouncer in front and leave this off.
if env.bool("DATABASE_POOL", default=False):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
    }
# A read replica for the heavy reads of insights and exports; the primary when unset.
if "DATABASE_REPLICA_URL" in env:
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_HEALTH_CHECKS"]
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
INSIGHTS_DATABASE = "replica" if "replica" in DATABASES else "default"
# How long computed insights figures are reused (seconds); any change to the loop's data
# starts afresh sooner. 0: compute on every request.
INSIGHTS_CACHE_SECONDS = env.int("INSIGHTS_CACHE_SECONDS", default=300)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    # A file, not memory, so a real Celery worker in the integration tests can share it;
    # one per test process, so two test runs never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_cop_portal_{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # When Redis is unreachable, reads miss and writes are dropped with a warning in the log,
    # so sign-in (whose rate limits live here) keeps working; sessions are in the database.
    CACHES = {
        "default": {
            "BACKEND": "cop_portal.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long a part of a forum's or an issue's pages (an agenda, a queue, an issue's history)
# is kept once drawn (cop_portal.kept); any change to what it shows draws it afresh sooner.
# 0: draw on every request. Forgetting a part must reach every process, so in production
# parts are kept only in a shared cache (Redis); the embedded default runs in one process.
PAGE_PARTS_CACHE_SECONDS = env.int(
    "PAGE_PARTS_CACHE_SECONDS", default=300 if REDIS_URL or not PRODUCTION else 0
)

# --- Accounts (django-allauth) ----------------------------------------------------

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "members.backends.ModelBackend",
    "members.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# Adding, removing or making primary an email address (where password resets and notices
# go) asks for the password, or a second factor, again after a while signed in.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_EMAIL_VERIFICATION = env.str(
    "ACCOUNT_EMAIL_VERIFICATION", default="optional" if EMBEDDED else "mandatory"
)
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Limits count per client address and per account ("key" is the email typed in).
ACCOUNT_RATE_LIMITS = {
    "login": env.str("LOGIN_RATE_LIMIT", default="30/m/ip"),
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/5m/key"),
    "reset_password": env.str("RESET_PASSWORD_RATE_LIMIT", default="20/m/ip,5/m/key"),
    "reset_password_from_key": "20/m/ip",
}
# The client's address for those limits. Behind a load balancer, set TRUSTED_PROXY_COUNT to
# the number of proxies in front of the portal (X-Forwarded-For is read from the right), or
# TRUSTED_CLIENT_IP_HEADER to a header the proxy sets and clients cannot forge.
# Without either, every request seems to come from the load balancer itself.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
# Sign-up is open only to people from these email domains (and their subdomains).
SIGNUP_EMAIL_DOMAINS = [
    d.lower().lstrip("@")
    for d in env.list("SIGNUP_EMAIL_DOMAINS", default=["example.org", "example.gov.au"])
]

# Single sign-on through OpenID Connect (Entra ID, Okta, Keycloak ...): SSO_PROVIDERS names
# the providers, and SSO_<ID>_NAME, _SERVER_URL, _CLIENT_ID, _CLIENT_SECRET, _EMAIL_DOMAINS
# (default: SIGNUP_EMAIL_DOMAINS) and _TRUST_EMAIL describe each (members/sso.py). A first
# sign-in links to the account with the same verified email, or creates one when the email is
# in the provider's domains (members/adapters.py).
SSO_PROVIDERS = env.list("SSO_PROVIDERS", default=[])
SOCIALACCOUNT_ADAPTER = "members.adapters.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": openid_connect_apps(
            SSO_PROVIDERS, os.environ, default_email_domains=SIGNUP_EMAIL_DOMAINS
        ),
    }
}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# Tokens are only needed to sign in, never to call the provider later.
SOCIALACCOUNT_STORE_TOKENS = False
# Whether a sign-in the provider made with a second factor (its ID token's amr claim, or an
# acr in SSO_MFA_ACR_VALUES) counts as the portal's own two-factor authentication.
SSO_MFA_FROM_PROVIDER = env.bool("SSO_MFA_FROM_PROVIDER", default=False)
SSO_MFA_ACR_VALUES = env.list("SSO_MFA_ACR_VALUES", default=[])
# Off: only single sign-on; the password form, sign-up and passkey sign-in are not offered.
LOCAL_ACCOUNTS_ENABLED = env.bool("LOCAL_ACCOUNTS_ENABLED", default=True)

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# Authenticator apps' keys and recovery codes' seeds are stored encrypted (members.mfa).
MFA_ADAPTER = "members.mfa.MFAAdapter"
MFA_TOTP_ISSUER = "CoP Portal"
# One period either side, so a phone whose clock drifts a little still signs in.
MFA_TOTP_TOLERANCE = 1
# A passkey (a security key that checks who holds it) signs in on its own, without a password,
# unless local accounts are turned off.
MFA_PASSKEY_LOGIN_ENABLED = LOCAL_ACCOUNTS_ENABLED
# Administrators, staff and members of the Strategic Leadership Forum must use two-factor
# authentication, as must anyone holding one of MFA_REQUIRED_ROLES (membership roles, e.g.
# "facilitator"). Off in the embedded mode so the demo accounts sign in with a password alone.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=PRODUCTION)
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=[])

# The admin is reached only through the portal's own sign-in (with its second factor and
# rate limits); its address can be moved away from the well-known one.
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"

# Argon2 first: hashes made with the others are upgraded when their owner next signs in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# --- Forms and UI -----------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
MESSAGE_TAGS = {40: "danger"}
PORTAL_NAME = "CoP Portal"
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The portal is not for reporting a child at risk: the footer and the issue form say where to
# go instead (by default South Australia's Child Abuse Report Line).
CHILD_SAFETY_URL = env.str(
    "CHILD_SAFETY_URL", default="https://www.childprotection.sa.gov.au/reporting-child-abuse"
)
CHILD_SAFETY_PHONE = env.str("CHILD_SAFETY_PHONE", default="13 14 78")
# Django's own CSRF failure page has no navigation and no styling.
CSRF_FAILURE_VIEW = "cop_portal.errors.csrf_failure"

# A strict Content Security Policy: every script and style is served from static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # The sign-in form leads on to the single sign-on providers.
        "form-action": [
            SELF,
            *provider_origins(SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]),
        ],
        "frame-ancestors": [NONE],
    }
}

# --- Feedback loop ----------------------------------------------------------------

# The one privacy guard every form uses: it finds identifying client information in text.
PRIVACY_GUARD = "feedback.privacy.find_identifying_details"
# Public service numbers the guard lets through, compared digit for digit (spaces ignored).
# Default: emergency 000 and 112, Lifeline, Police Assistance Line, Child Abuse Report Line,
# Crisis Care, 13YARN, 1800RESPECT, Kids Helpline, Healthdirect, MensLine, Beyond Blue and
# the Parent Helpline (listed in feedback/privacy.py).
PRIVACY_ALLOWED_NUMBERS = env.list(
    "PRIVACY_ALLOWED_NUMBERS",
    default=[
        "000",
        "112",
        "13 11 14",
        "131 444",
        "13 14 78",
        "13 16 11",
        "13 92 76",
        "1800 737 732",
        "1800 55 1800",
        "1800 022 222",
        "1300 78 99 78",
        "1300 22 4636",
        "1300 364 100",
    ],
)

# An issue endorsed from at least this many regions is flagged as possibly systemic.
SYSTEMIC_REGION_THRESHOLD = env.int("SYSTEMIC_REGION_THRESHOLD", default=3)

# --- Internationalisation ---------------------------------------------------------

# Every user-facing string is marked for translation; Australian English is the one language
# shipped, and the only one LocaleMiddleware will choose. Catalogues live in locale/
# (make messages).
LANGUAGE_CODE = "en-au"
LANGUAGES = [("en-au", "English (Australia)")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Australia/Adelaide")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Nothing serves MEDIA_ROOT directly: every uploaded file goes through a download view that
# checks who is asking. The view sends the file itself, or, when this prefix is set (e.g.
# "/protected-media/"), answers with X-Accel-Redirect to an nginx `internal` location that
# aliases MEDIA_ROOT, so nginx sends the bytes.
MEDIA_ACCEL_REDIRECT_PREFIX = env.str("MEDIA_ACCEL_REDIRECT_PREFIX", default="")
if MEDIA_ACCEL_REDIRECT_PREFIX and not (
    MEDIA_ACCEL_REDIRECT_PREFIX.startswith("/") and MEDIA_ACCEL_REDIRECT_PREFIX.endswith("/")
):
    raise ImproperlyConfigured(
        "MEDIA_ACCEL_REDIRECT_PREFIX must start and end with '/', e.g. '/protected-media/'."
    )
# Registers and reports prepared in the background for the person who asked: apart from
# MEDIA_ROOT, shared by the web and worker containers, sent only by their download view.
EXPORTS_ROOT = env.path("EXPORTS_ROOT", default=VAR_DIR / "exports")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": EXPORTS_ROOT},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Resources --------------------------------------------------------------------

# Files attached to forums and meetings: the largest upload, and the types accepted.
RESOURCE_MAX_UPLOAD_MB = env.int("RESOURCE_MAX_UPLOAD_MB", default=10)
RESOURCE_ALLOWED_EXTENSIONS = env.list(
    "RESOURCE_ALLOWED_EXTENSIONS",
    default=["pdf", "docx", "doc", "xlsx", "pptx", "txt", "csv", "png", "jpg"],
)

# --- Exports ----------------------------------------------------------------------

# Registers and the "State of the loop" report are prepared by the worker; the files are
# deleted this many days after they were asked for.
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=7)
# An export still being prepared after this long lost its worker: it is tried again (three
# tries at most) by the sweep that also re-sends exports whose message was lost.
EXPORT_STALLED_MINUTES = env.int("EXPORT_STALLED_MINUTES", default=30)
# A meeting paper (agenda pack, minutes) of more agenda items than this is prepared by the
# worker like an export, not laid out while the reader waits (about 30 ms an item).
PAPER_ITEMS_IN_REQUEST = env.int("PAPER_ITEMS_IN_REQUEST", default=100)

# --- Email ------------------------------------------------------------------------

if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND",
        default="django.core.mail.backends.console.EmailBackend"
        if EMBEDDED
        else "django.core.mail.backends.smtp.EmailBackend",
    )
# Seconds to wait on the mail server: one that accepts a connection and then stalls would
# otherwise hold a web worker (sign-up, password reset) or the outbox's sweep for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CoP Portal <portal@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Backups ----------------------------------------------------------------------

# `manage.py backup` writes one archive (database and uploaded files) here; the compose
# stack mounts the "backups" volume at this path. Copy archives off the machine as well.
BACKUP_DIR = env.path("BACKUP_DIR", default=VAR_DIR / "backups")
# After each backup, archives older than this many days are deleted, but the newest
# BACKUP_KEEP_MIN always stay, so a stack that stopped backing up keeps its last good ones.
BACKUP_RETENTION_DAYS = env.int("BACKUP_RETENTION_DAYS", default=14)
BACKUP_KEEP_MIN = env.int("BACKUP_KEEP_MIN", default=3)

# --- Tasks (Celery) ---------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL.startswith("memory://")
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues a task never waits long for a broker that is down: the notification
# is already saved, and the sweeper sends it once the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = TIME_ZONE
# No task runs for ever: one held up (a mail server or a lock that never answers) is told to
# stop after CELERY_TASK_SOFT_TIME_LIMIT seconds and killed a minute later, and its worker
# takes the next message. Sweeps run again on the beat; a digest run stops itself after
# DIGEST_RUN_SECONDS and a new run goes on; exports have limits of their own.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
DIGEST_RUN_SECONDS = env.int(
    "DIGEST_RUN_SECONDS", default=max(CELERY_TASK_SOFT_TIME_LIMIT - 120, 60)
)
# Registers and reports take seconds to minutes to prepare: given a queue of their own (and a
# worker for it: `celery -A cop_portal worker -Q exports`), they never wait in front of emails.
CELERY_EXPORTS_QUEUE = env.str("CELERY_EXPORTS_QUEUE", default="")
CELERY_TASK_ROUTES = (
    {"insights.prepare_export": {"queue": CELERY_EXPORTS_QUEUE}} if CELERY_EXPORTS_QUEUE else {}
)
# Members are reminded of a published meeting this many days before it starts.
MEETING_REMINDER_DAYS = env.int("MEETING_REMINDER_DAYS", default=2)
# Notifications are an outbox: an email that could not be sent is tried again after
# NOTIFICATION_RETRY_BASE_DELAY seconds, doubling each time up to NOTIFICATION_RETRY_MAX_DELAY,
# and given up after NOTIFICATION_MAX_ATTEMPTS tries. /healthz reports "degraded" when an
# email still owed is older than NOTIFICATION_MAX_UNSENT_AGE seconds.
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=10)
NOTIFICATION_RETRY_BASE_DELAY = env.int("NOTIFICATION_RETRY_BASE_DELAY", default=60)
NOTIFICATION_RETRY_MAX_DELAY = env.int("NOTIFICATION_RETRY_MAX_DELAY", default=3600)
NOTIFICATION_MAX_UNSENT_AGE = env.int("NOTIFICATION_MAX_UNSENT_AGE", default=3600)
# Personal data kept no longer than needed: notifications older than this many days are
# deleted (an email still owed is kept until sent or given up), and so are sessions unused
# for SESSION_RETENTION_DAYS, by a daily task.
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", default=365)
SESSION_RETENTION_DAYS = env.int("SESSION_RETENTION_DAYS", default=30)
# What a deactivated account's issues, comments and events show as their author: "a former
# member" (True), or the name they had (False).
FORMER_MEMBER_ATTRIBUTION = env.bool("FORMER_MEMBER_ATTRIBUTION", default=True)
# Notifications: each person chooses, per kind, an email at once, a daily or weekly digest, or
# none. Digests go out at this hour (TIME_ZONE), weekly ones on Mondays.
DIGEST_HOUR = env.int("DIGEST_HOUR", default=7)
CELERY_BEAT_SCHEDULE = {
    "send-meeting-reminders": {
        "task": "forums.send_due_reminders",
        "schedule": crontab(minute=0, hour="*"),
    },
    "send-unsent-notifications": {
        "task": "members.send_unsent_notifications",
        "schedule": crontab(),
    },
    # Items a held or cancelled meeting was left holding, should carrying them over have
    # failed when it changed, go on to the next meeting.
    "carry-over-stranded": {
        "task": "feedback.carry_over_stranded",
        "schedule": crontab(minute="*/10"),
    },
    # And what waits to join a forum's next meeting by itself, should placing it have failed
    # when the meeting was published.
    "place-stranded": {
        "task": "feedback.place_stranded",
        "schedule": crontab(minute="5-59/10"),
    },
    # Daily, early: each overdue action's owner hears once a day, however often it runs.
    "send-overdue-reminders": {
        "task": "feedback.send_overdue_reminders",
        "schedule": crontab(minute=0, hour=7),
    },
    # Daily: each library item's owner hears once per review date, however often it runs.
    "send-guidance-review-reminders": {
        "task": "practice.send_guidance_review_reminders",
        "schedule": crontab(minute=15, hour=7),
    },
    # Exports whose message to the worker was lost, or whose worker stopped, are sent again.
    "prepare-waiting-exports": {
        "task": "insights.prepare_waiting_exports",
        "schedule": crontab(minute="*/5"),
    },
    # Hourly, so that an export is gone within the hour after the time its page gives.
    "remove-expired-exports": {
        "task": "insights.remove_expired_exports",
        "schedule": crontab(minute=45),
    },
    "prune-personal-data": {
        "task": "members.prune_personal_data",
        "schedule": crontab(minute=30, hour=3),
    },
    # Each run sends what is owed and stamps it, so a run repeated after a restart sends nothing.
    "send-daily-digests": {
        "task": "members.send_daily_digests",
        "schedule": crontab(minute=0, hour=DIGEST_HOUR),
    },
    "send-weekly-digests": {
        "task": "members.send_weekly_digests",
        "schedule": crontab(minute=0, hour=DIGEST_HOUR, day_of_week="mon"),
    },
}

# --- Logging and error tracking ---------------------------------------------------

# "json" writes one JSON object a line (for shipping to a log store or SIEM); "text" is for
# people reading a terminal. Either way every line names its request and the member's id.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'json' or 'text', not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "operations.logs.RequestContextFilter"},
        "secrets": {"()": "operations.logs.SecretsFilter"},
    },
    "formatters": {
        "json": {
            "()": "operations.logs.JsonFormatter",
            "fmt": ["levelname", "name", "message", "request_id", "user_id"],
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": True,
        },
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] "
            "%(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_context", "secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # One line per task run is noise when tasks run in-process; workers keep their own log.
    "loggers": {
        "celery.app.trace": {"level": "WARNING" if EMBEDDED else "INFO"},
        "cop_portal.security": {"level": "INFO"},
        # WeasyPrint narrates every step of drawing a PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The migration linter narrates each migration it reads during `make checks`.
        "django_migration_linter": {"level": "WARNING"},
        # The in-process broker's address names no host, which kombu warns of on every task.
        **({"kombu.connection": {"level": "ERROR"}} if CELERY_BROKER_URL == "memory://" else {}),
    },
}
# Workers log through the same handlers, so their lines are JSON too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Errors go to Sentry or a self-hosted GlitchTip when SENTRY_DSN is set. Nothing personal is
# sent: no request bodies, cookies, local variables or user details, and every remaining
# string passes through the privacy guard (operations/sentry.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default=DJANGO_ENV)
SENTRY_RELEASE = env.str("SENTRY_RELEASE", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    from operations.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        release=SENTRY_RELEASE,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )
