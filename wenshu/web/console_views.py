"""The system administrator's console at /system/ (三员分立: the system administrator only).

Read-only: health checks, the task queue, versions, the effective settings (a secret only as
已设置/未设置, never its value) and the audit chain status.
"""

from __future__ import annotations

import os
import platform
import sqlite3
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import django
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wenshu.audit.permissions import require_system_admin
from wenshu.audit.selectors import verification_latest
from wenshu.web import health

# (label, setting name, environment variable). Values are shown as configured.
PLAIN_SETTINGS: list[tuple[str, str, str]] = [
    ("运行模式", "WENSHU_ENV", "WENSHU_ENV"),
    ("调试模式", "DEBUG", "WENSHU_DEBUG"),
    ("允许的主机名", "ALLOWED_HOSTS", "WENSHU_ALLOWED_HOSTS"),
    ("可信来源（CSRF）", "CSRF_TRUSTED_ORIGINS", "WENSHU_CSRF_TRUSTED_ORIGINS"),
    ("数据库", "DATABASE_URL", "DATABASE_URL"),
    ("任务队列 Redis", "REDIS_URL", "WENSHU_REDIS_URL"),
    ("任务立即执行（测试用）", "TASKS_IMMEDIATE", "WENSHU_TASKS_IMMEDIATE"),
    ("会话空闲超时（分钟）", "SESSION_IDLE_MINUTES", "WENSHU_SESSION_IDLE_MINUTES"),
    ("单一地址登录失败上限", "LOGIN_ADDRESS_MAX_FAILURES", "WENSHU_LOGIN_ADDRESS_MAX_FAILURES"),
    (
        "登录失败统计窗口（分钟）",
        "LOGIN_ADDRESS_WINDOW_MINUTES",
        "WENSHU_LOGIN_ADDRESS_WINDOW_MINUTES",
    ),
    ("开户免审批", "ACCOUNT_AUTO_APPROVE", "WENSHU_ACCOUNT_AUTO_APPROVE"),
    ("登录密钥要求（默认）", "KEY_REQUIRED_DEFAULT", "WENSHU_KEY_REQUIRED"),
    ("WebAuthn 依赖方标识", "WEBAUTHN_RP_ID", "WENSHU_WEBAUTHN_RP_ID"),
    ("WebAuthn 来源", "WEBAUTHN_ORIGIN", "WENSHU_WEBAUTHN_ORIGIN"),
    ("短信网关", "SMS_GATEWAY", "WENSHU_SMS_GATEWAY"),
    ("上传大小上限（字节）", "DATA_UPLOAD_MAX_MEMORY_SIZE", "WENSHU_UPLOAD_MAX_BYTES"),
    ("数据目录", "VAR_DIR", "WENSHU_VAR_DIR"),
    ("静态文件目录", "STATIC_ROOT", "WENSHU_STATIC_ROOT"),
    ("强制 HTTPS 跳转", "SECURE_SSL_REDIRECT", "WENSHU_SSL_REDIRECT"),
    ("HSTS 时长（秒）", "SECURE_HSTS_SECONDS", "WENSHU_HSTS_SECONDS"),
    ("时区", "TIME_ZONE", ""),
    ("界面语言", "LANGUAGE_CODE", ""),
]
# (label, environment variable): shown only as 已设置 / 未设置.
SECRET_SETTINGS: list[tuple[str, str]] = [
    ("会话签名密钥", "WENSHU_SECRET_KEY"),
    ("印章私钥加密密钥", "WENSHU_SEAL_KEK"),
]
_SECRET_WORDS = ("SECRET", "PASSWORD", "PASSWD", "TOKEN", "KEK", "PRIVATE", "CREDENTIAL", "_KEY")


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if not parts.password:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:******@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value) or "（空）"
    text = str(value)
    return _without_password(text) if "://" in text else (text or "（空）")


def _is_secret(env_name: str) -> bool:
    upper = env_name.upper().removesuffix("_FILE")
    return any(word in upper for word in _SECRET_WORDS) and upper != "WENSHU_KEY_REQUIRED"


def _secret_state(env_name: str) -> str:
    if os.environ.get(env_name) or os.environ.get(f"{env_name}_FILE"):
        return "已设置"
    return "未设置（使用开发默认值）" if not settings.PRODUCTION else "未设置"


def settings_table() -> list[dict[str, str]]:
    rows = [
        {"label": label, "env": env, "value": _shown(getattr(settings, name, ""))}
        for label, name, env in PLAIN_SETTINGS
    ]
    rows += [
        {"label": label, "env": env, "value": _secret_state(env)} for label, env in SECRET_SETTINGS
    ]
    known = {env for _, _, env in PLAIN_SETTINGS} | {env for _, env in SECRET_SETTINGS}
    for env in sorted(k for k in os.environ if k.startswith("WENSHU_")):
        base = env.removesuffix("_FILE")
        if env in known or base in known:
            continue
        value = "已设置" if _is_secret(env) else _shown(os.environ[env])
        rows.append({"label": "其他环境变量", "env": env, "value": value})
    return rows


def _package(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "未知"


def versions() -> list[tuple[str, str]]:
    if connection.vendor == "postgresql":
        major, minor = divmod(getattr(connection, "pg_version", 0) or 0, 10000)
        database = f"PostgreSQL {major}.{minor}"
    else:
        database = f"{connection.vendor} {sqlite3.sqlite_version}"
    return [
        ("文枢", _package("wenshu")),
        ("Python", platform.python_version()),
        ("Django", django.get_version()),
        ("django-ninja", _package("django-ninja")),
        ("Huey", _package("huey")),
        ("数据库", database),
    ]


@never_cache
@require_GET
@login_required
def system_console(request: HttpRequest) -> HttpResponse:
    require_system_admin(request.user)
    healthy, checks = health.run_checks(health.DEFAULT_CHECKS)
    queue = checks.get("task_queue", {})
    context = {
        "healthy": healthy,
        "checks": checks,
        "queue_size": queue.get("pending"),
        "queue_backend": queue.get("backend", ""),
        "versions": versions(),
        "settings_rows": settings_table(),
        "verification": verification_latest(viewer=request.user),
    }
    return render(request, "web/pages/system_console.html", context)
