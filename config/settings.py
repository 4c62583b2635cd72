"""Wenshu settings: every value from a WENSHU_* environment variable (see README).

Development (the default) runs on a laptop with SQLite under var/; production mode
(WENSHU_ENV=production) refuses to start without its secrets.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import dj_database_url

from config.env import ConfigurationError, env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("WENSHU_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

WENSHU_ENV = env_str("WENSHU_ENV", "development")
if WENSHU_ENV not in {"development", "production"}:
    raise ConfigurationError("WENSHU_ENV must be development or production")
PRODUCTION = WENSHU_ENV == "production"
TESTING = "pytest" in sys.modules or env_bool("WENSHU_TESTING", False)

# Off unless asked for: the demo shows users the Chinese error pages they will see in
# production, not Django's English debug pages. Production forces it off.
DEBUG = env_bool("WENSHU_DEBUG", False) and not PRODUCTION
# Public development values: they exist only so a laptop can run, and production refuses them.
DEV_SECRET_KEY = "dev-only-insecure-key-0123456789-abcdefghijklmnopqrstuvwxyz-wenshu"  # noqa: S105
DEV_SEAL_KEK = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
SECRET_KEY = env_secret("WENSHU_SECRET_KEY", required=PRODUCTION, default=DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list(
    "WENSHU_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigurationError(
        "WENSHU_ALLOWED_HOSTS is required in production mode (comma-separated host names). "
        "生产模式必须设置 WENSHU_ALLOWED_HOSTS。"
    )
CSRF_TRUSTED_ORIGINS = env_list("WENSHU_CSRF_TRUSTED_ORIGINS", [])

# Key-encryption key (hex, 32 bytes) that wraps seal private keys. Dev default is fixed and
# public: it exists only so a laptop can run; production must bring its own.
SEAL_KEK = env_secret("WENSHU_SEAL_KEK", required=PRODUCTION, default=DEV_SEAL_KEK)
if PRODUCTION:
    if SECRET_KEY == DEV_SECRET_KEY or SEAL_KEK.lower() == DEV_SEAL_KEK:
        raise ConfigurationError(
            "WENSHU_SECRET_KEY / WENSHU_SEAL_KEK must not be the public development values. "
            "生产模式不能使用开发环境的公开密钥，请重新生成。"
        )
    if not re.fullmatch(r"(?:[0-9a-fA-F]{2}){16,}", SEAL_KEK):
        # Checked at start-up so a bad key stops the server, not the first seal use.
        raise ConfigurationError(
            "WENSHU_SEAL_KEK must be hex, at least 32 digits; use `openssl rand -hex 32`. "
            "WENSHU_SEAL_KEK 须为十六进制数（建议 64 位，即 32 字节）。"
        )

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "huey.contrib.djhuey",
    "wenshu.web",
    "wenshu.audit",
    "wenshu.org",
    "wenshu.accounts",
    "wenshu.notify",
    "wenshu.files",
    "wenshu.keys",
    "wenshu.seals",
    "wenshu.workflow",
    "wenshu.documents",
    "wenshu.exchange",
    "wenshu.meetings",
    "wenshu.assets",
    "wenshu.messaging",
    "wenshu.bulletins",
    "wenshu.library",
    "wenshu.directory",
    "wenshu.tickets",
    "wenshu.search",
    "wenshu.schedules",
    "wenshu.handling",
    "wenshu.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "wenshu.web.middleware.ApiJsonErrorsMiddleware",
    "wenshu.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "wenshu.accounts.middleware.AccountStateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wenshu.web.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "wenshu.web.context_processors.shell",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'wenshu.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("WENSHU_DB_CONN_MAX_AGE", 0)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue instead of failing on a lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["wenshu.accounts.backends.WenshuBackend"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:workbench"

# Sessions end after WENSHU_SESSION_IDLE_MINUTES without a request (sliding expiry).
SESSION_IDLE_MINUTES = env_int("WENSHU_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "wenshu_session"
CSRF_COOKIE_NAME = "wenshu_csrftoken"

# Per-address login throttle: more failures than this from one address in the window refuse
# further attempts from it (the per-account lockout is the security administrator's policy).
LOGIN_ADDRESS_MAX_FAILURES = env_int("WENSHU_LOGIN_ADDRESS_MAX_FAILURES", 20)
LOGIN_ADDRESS_WINDOW_MINUTES = env_int("WENSHU_LOGIN_ADDRESS_WINDOW_MINUTES", 15)
# Opening an account needs the digital office's approval unless this is on.
ACCOUNT_AUTO_APPROVE = env_bool("WENSHU_ACCOUNT_AUTO_APPROVE", False)

# Second factor (login keys). The relying party must match the address users type.
WEBAUTHN_RP_ID = env_str("WENSHU_WEBAUTHN_RP_ID", "localhost")
WEBAUTHN_RP_NAME = env_str("WENSHU_WEBAUTHN_RP_NAME", "文枢电子公文系统")
WEBAUTHN_ORIGIN = env_str("WENSHU_WEBAUTHN_ORIGIN", "http://localhost:8000")
# Which accounts must present a login key: "all", "admins" (administrators only) or "none".
# Administrators always need one when it is not "none". The security administrator can narrow
# or widen this per unit and role in the console; this is the starting default.
KEY_REQUIRED_DEFAULT = env_str("WENSHU_KEY_REQUIRED", "all" if PRODUCTION else "admins")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# ISO input formats first, so <input type="date"> shows saved values (config/formats).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("WENSHU_STATIC_ROOT", str(VAR_DIR / "static")))
WHITENOISE_USE_FINDERS = not PRODUCTION
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env_str("WENSHU_MEDIA_ROOT", str(VAR_DIR / "media"))},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Uploads and virus scanning (wenshu.files; docs/parts/files.md) ----------------------
# Largest file one upload may carry; `make clamd` sets clamd's StreamMaxLength to the same.
UPLOAD_MAX_BYTES = env_int("WENSHU_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
# clamd's address: a unix socket path (`make clamd` starts one there) or tcp://host:port.
# Uploads are refused while it does not answer. Under pytest the default is empty, so a test
# that uploads without the `clamd_socket` fixture (conftest.py, a private clamd) fails loudly
# instead of quietly using a developer's running clamd.
CLAMD_SOCKET = env_str(
    "WENSHU_CLAMD_SOCKET", "" if TESTING else str(VAR_DIR / "clamav" / "clamd.sock")
)
CLAMD_TIMEOUT = env_int("WENSHU_CLAMD_TIMEOUT", 120)  # seconds for one scan
# A request body (forms, JSON, multipart) may carry one maximal upload plus its form fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
# --- end of uploads and virus scanning ---------------------------------------------------

# --- Document library and file storage (wenshu.library; docs/parts/library.md) -----------
# Days a deleted document stays restorable in the trash before it is purged.
LIBRARY_TRASH_DAYS = env_int("WENSHU_LIBRARY_TRASH_DAYS", 30)
# Where uploaded content lives: "local" (WENSHU_MEDIA_ROOT, the default) or "s3" for an
# S3-compatible object store through django-storages. That package is NOT installed by
# default: `pip install "django-storages[s3]"` before choosing s3. Content stays named by its
# SM3 hash and is checked against it on every download, whichever store holds it.
STORAGE_BACKEND = env_str("WENSHU_STORAGE", "local")
if STORAGE_BACKEND == "s3":
    import importlib.util

    if importlib.util.find_spec("storages") is None:
        raise ConfigurationError(
            "WENSHU_STORAGE=s3 needs the django-storages package: pip install "
            "'django-storages[s3]'. 使用 S3 兼容存储须先安装 django-storages。"
        )
    S3_OPTIONS = {
        "bucket_name": env_str("WENSHU_S3_BUCKET", ""),
        "endpoint_url": env_str("WENSHU_S3_ENDPOINT_URL", "") or None,
        "region_name": env_str("WENSHU_S3_REGION", "") or None,
        # Unset: boto3's own chain (environment, instance role …) supplies the keys.
        "access_key": env_secret("WENSHU_S3_ACCESS_KEY", required=False) or None,
        "secret_key": env_secret("WENSHU_S3_SECRET_KEY", required=False) or None,
        "location": env_str("WENSHU_S3_PREFIX", "wenshu"),
        "addressing_style": env_str("WENSHU_S3_ADDRESSING_STYLE", "path"),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": True,  # names are SM3 hashes: the same name always holds the same bytes
    }
    if not S3_OPTIONS["bucket_name"]:
        raise ConfigurationError("WENSHU_STORAGE=s3 needs WENSHU_S3_BUCKET. 请设置存储桶名称。")
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": S3_OPTIONS}
elif STORAGE_BACKEND != "local":
    raise ConfigurationError("WENSHU_STORAGE must be local or s3. 存储方式只能是 local 或 s3。")
# --- end of document library and file storage --------------------------------------------

# --- Meetings and tickets ----------------------------------------------------------------
# Hours before the reply deadline when people who have not replied are reminded, and hours
# before a meeting when its attendees are reminded (wenshu.meetings).
MEETINGS_REPLY_REMINDER_HOURS = env_int("WENSHU_MEETINGS_REPLY_REMINDER_HOURS", 24)
MEETINGS_START_REMINDER_HOURS = env_int("WENSHU_MEETINGS_START_REMINDER_HOURS", 2)
# Days within which the reporter can reopen a resolved fault ticket (wenshu.tickets).
TICKETS_REOPEN_DAYS = env_int("WENSHU_TICKETS_REOPEN_DAYS", 7)
# --- end of meetings and tickets ----------------------------------------------------------

# --- Internal mail (wenshu.messaging; docs/parts/mail.md) --------------------------------
# Each person's mailbox quota in MB: inbox, sent, drafts and trash count, archive does not.
# Sending or saving a draft over it is refused; mail to a full mailbox is still delivered.
MAIL_QUOTA_MB = env_int("WENSHU_MAIL_QUOTA_MB", 500)
# --- end of internal mail ----------------------------------------------------------------

# --- PDF fonts of official documents (wenshu.documents → wenshu.lib.gongwen_pdf.Fonts) -----
# GB/T 9704 sets documents in 仿宋_GB2312 (body), 黑体 and 楷体 (headings), 方正小标宋
# (标志, 标题) and 宋体 (page numbers): licensed fonts a site installs and names here. Each
# value is the path of a TrueType .ttf/.ttc file, optionally "path#N" for the N-th face of a
# .ttc collection. Empty: the free Debian font found on this machine for that role
# (fonts-arphic-uming / -ukai, fonts-wqy-zenhei; see gongwen_pdf.default_fonts()).
FONT_FANGSONG = env_str("WENSHU_FONT_FANGSONG", "")
FONT_HEITI = env_str("WENSHU_FONT_HEITI", "")
FONT_KAITI = env_str("WENSHU_FONT_KAITI", "")
FONT_XIAOBIAOSONG = env_str("WENSHU_FONT_XIAOBIAOSONG", "")
FONT_SONGTI = env_str("WENSHU_FONT_SONGTI", "")
# Extra stroke (a fraction of the font size, e.g. 0.025) that thickens a light stand-in for
# 小标宋; empty = automatic (0 for a configured 小标宋, a little for the free Ming font).
FONT_XIAOBIAOSONG_EMBOLDEN = env_str("WENSHU_FONT_XIAOBIAOSONG_EMBOLDEN", "")
# --- end of PDF fonts ----------------------------------------------------------------------

# Task queue (Huey): SQLite storage under var/ by default, Redis when WENSHU_REDIS_URL is set.
REDIS_URL = env_str("WENSHU_REDIS_URL", "")
TASKS_IMMEDIATE = env_bool("WENSHU_TASKS_IMMEDIATE", TESTING)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": "wenshu",
        "immediate": TASKS_IMMEDIATE,
        "immediate_use_memory": True,
        "connection": {"url": REDIS_URL},
        "utc": True,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "wenshu",
        "immediate": TASKS_IMMEDIATE,
        "immediate_use_memory": True,
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "utc": True,
    }

# Notification gateway for SMS: "log" writes to the outbox page and the log (no carrier here).
SMS_GATEWAY = env_str("WENSHU_SMS_GATEWAY", "log")

# Security headers. The CSP forbids inline script everywhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("WENSHU_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("WENSHU_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("WENSHU_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("WENSHU_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Where tests put screenshots and other artefacts.
TEST_ARTIFACTS_DIR = Path(env_str("WENSHU_TEST_ARTIFACTS", str(VAR_DIR / "test-artifacts")))
CSRF_FAILURE_VIEW = "wenshu.web.views.csrf_failure"

# handling — S1 第十七条 签收时段 (Asia/Shanghai): at each window's start, units with deliveries
# not signed for get one SMS reminder to their clerks.
CHECKIN_WINDOWS = env_str(
    "WENSHU_CHECKIN_WINDOWS", "08:30-09:30,10:30-11:30,15:00-16:00,17:00-18:00"
)
