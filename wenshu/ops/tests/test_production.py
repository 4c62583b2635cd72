"""Production mode (WENSHU_ENV=production), checked in real subprocesses: it refuses to
start without its secrets, `check --deploy` finds nothing, and responses carry the
security headers and secure cookies."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
MANAGE = str(ROOT / "manage.py")
REQUIRED = ("WENSHU_SECRET_KEY", "WENSHU_ALLOWED_HOSTS", "WENSHU_SEAL_KEK")

# Runs inside the production process: one page over HTTPS and one over plain HTTP.
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
c = Client()
page = c.get("/accounts/login/", secure=True, HTTP_HOST="oa.baiyin.example")
plain = c.get("/accounts/login/", HTTP_HOST="oa.baiyin.example")
print(json.dumps({
    "status": page.status_code, "headers": dict(page.headers),
    "cookies": {k: {"secure": v["secure"]} for k, v in page.cookies.items()},
    "plain_status": plain.status_code, "plain_location": plain.headers.get("Location", ""),
    "debug": settings.DEBUG,
    "flags": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY,
              settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_PRELOAD],
}))
"""


@pytest.fixture
def prod_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WENSHU_")}
    env.update(
        WENSHU_ENV="production",
        WENSHU_SECRET_KEY=secrets.token_urlsafe(60),
        WENSHU_ALLOWED_HOSTS="oa.baiyin.example",
        WENSHU_SEAL_KEK=secrets.token_hex(32),
        WENSHU_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def _deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _run(env, MANAGE, "check", "--deploy", "--fail-level", "WARNING")


def test_check_deploy_reports_nothing_in_production_mode(prod_env):
    result = _deploy_check(prod_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secrets_can_come_from_files(prod_env, tmp_path):
    for name in ("WENSHU_SECRET_KEY", "WENSHU_SEAL_KEK"):
        path = tmp_path / name.lower()
        path.write_text(prod_env.pop(name) + "\n")
        prod_env[f"{name}_FILE"] = str(path)
    assert _deploy_check(prod_env).returncode == 0


@pytest.mark.parametrize("missing", REQUIRED)
def test_it_refuses_to_start_without_each_required_setting(prod_env, missing):
    del prod_env[missing]
    result = _deploy_check(prod_env)
    assert result.returncode != 0
    assert missing in result.stderr
    assert "生产模式必须设置" in result.stderr


def test_it_refuses_the_public_development_keys(prod_env):
    prod_env["WENSHU_SEAL_KEK"] = settings.DEV_SEAL_KEK
    result = _deploy_check(prod_env)
    assert result.returncode != 0 and "开发环境的公开密钥" in result.stderr


@pytest.mark.parametrize("kek", ["not-hex-at-all", "0" * 31])
def test_it_refuses_a_malformed_seal_kek(prod_env, kek):
    prod_env["WENSHU_SEAL_KEK"] = kek
    result = _deploy_check(prod_env)
    assert result.returncode != 0 and "十六进制" in result.stderr


def test_check_deploy_fails_on_a_weak_secret_key(prod_env):
    prod_env["WENSHU_SECRET_KEY"] = "short"
    result = _deploy_check(prod_env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_responses_carry_hsts_csp_frame_denial_and_secure_cookies(prod_env):
    # Production serves hashed static names from the manifest that collectstatic writes.
    assert _run(prod_env, MANAGE, "collectstatic", "--noinput", "-v0").returncode == 0
    result = _run(prod_env, "-c", PROBE)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    headers = probe["headers"]
    assert probe["status"] == 200 and probe["debug"] is False
    assert probe["flags"] == [True, True, True, True]
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert probe["cookies"] and all(c["secure"] for c in probe["cookies"].values())
    assert probe["plain_status"] == 301
    assert probe["plain_location"].startswith("https://oa.baiyin.example/")
