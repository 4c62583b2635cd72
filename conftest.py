"""The fixed cast of a city, used by every app's tests (see STYLE.md rule 10).

    digital office (市数字办): city_admin "shuziban", the three separated administrators
        sysadmin / secadmin / auditor, the government-office approver "zhengfuban" (in 市政府办公室)
        and the secrecy-bureau officer "baomiju" (in 市保密局)
    unit A (市财政局): a_admin, a_leader, a_clerk, a_custodian, a_staff
    unit B (市教育局, the outsider): b_admin, b_leader, b_clerk, b_staff
Every cast member has the password PASSWORD and no forced change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

PASSWORD = "Wenshu@2026"  # noqa: S105 (the test cast's password)
_HASH: dict[str, str] = {}


def cast_password_hash() -> str:
    # Argon2 is deliberately slow: hash once per test run, not once per person.
    if "h" not in _HASH:
        _HASH["h"] = make_password(PASSWORD)
    return _HASH["h"]


def make_unit(full_name: str, short_name: str, code: str, **fields: Any):
    from wenshu.org.models import Unit, UnitName

    now = timezone.now()
    unit = Unit.objects.create(
        full_name=full_name,
        short_name=short_name,
        agency_code=code,
        status=Unit.Status.REGISTERED,
        in_directory=True,
        registered_at=now,
        **fields,
    )
    UnitName.objects.create(
        unit=unit,
        full_name=full_name,
        short_name=short_name,
        agency_code=code,
        valid_from=now - timedelta(days=365),
    )
    return unit


def make_person(username: str, unit: Any, *roles: str, real_name: str | None = None, **fields: Any):
    from wenshu.accounts.models import RoleGrant, User

    fields.setdefault("status", User.Status.ACTIVE)
    fields.setdefault("must_change_password", False)
    fields.setdefault("password_changed_at", timezone.now())
    user = User(username=username, real_name=real_name or username, unit=unit, **fields)
    user.password = cast_password_hash()
    user.save()
    for role in roles:
        RoleGrant.objects.create(user=user, role=role)
    return user


@dataclass
class City:
    digital_office: Any
    gov_office: Any
    secrecy_bureau: Any
    a: Any
    b: Any
    shuziban: Any
    sysadmin: Any
    secadmin: Any
    auditor: Any
    zhengfuban: Any
    baomiju: Any
    a_admin: Any
    a_leader: Any
    a_clerk: Any
    a_custodian: Any
    a_staff: Any
    b_admin: Any
    b_leader: Any
    b_clerk: Any
    b_staff: Any


@pytest.fixture
def city(db) -> City:
    do = make_unit("白银市数字白银工作办公室", "市数字办", "白数办", is_digital_office=True)
    gov = make_unit("白银市人民政府办公室", "市政府办", "白政办", kind="government")
    sec = make_unit("白银市国家保密局", "市保密局", "白保", kind="department")
    a = make_unit("白银市财政局", "市财政局", "白财")
    b = make_unit("白银市教育局", "市教育局", "白教")
    return City(
        digital_office=do,
        gov_office=gov,
        secrecy_bureau=sec,
        a=a,
        b=b,
        shuziban=make_person("shuziban", do, "city_admin", real_name="孙数办"),
        sysadmin=make_person("sysadmin", do, "system_admin", real_name="施系统"),
        secadmin=make_person("secadmin", do, "security_admin", real_name="安保密"),
        auditor=make_person("auditor", do, "audit_admin", real_name="申审计"),
        zhengfuban=make_person("zhengfuban", gov, "gov_approver", real_name="郑政府"),
        baomiju=make_person("baomiju", sec, "secrecy_officer", real_name="包保密"),
        a_admin=make_person("a_admin", a, "unit_admin", real_name="艾管理"),
        a_leader=make_person("a_leader", a, "unit_leader", real_name="艾局长"),
        a_clerk=make_person("a_clerk", a, "clerk", real_name="艾文书"),
        a_custodian=make_person("a_custodian", a, "seal_custodian", real_name="艾保管"),
        a_staff=make_person("a_staff", a, "staff", real_name="艾科员"),
        b_admin=make_person("b_admin", b, "unit_admin", real_name="贝管理"),
        b_leader=make_person("b_leader", b, "unit_leader", real_name="贝局长"),
        b_clerk=make_person("b_clerk", b, "clerk", real_name="贝文书"),
        b_staff=make_person("b_staff", b, "staff", real_name="贝科员"),
    )


@pytest.fixture
def login(client):
    """login(user) → the test client logged in as that user (all factors passed)."""

    def _login(user: Any, c: Any = None):
        c = c or client
        c.force_login(user, backend="wenshu.accounts.backends.WenshuBackend")
        return c

    return _login


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Every test stores files in its own folder, never in var/media."""
    location = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


@pytest.fixture
def browser():
    """Headless Chromium from Debian's packages (wenshu.web.testing), quit after the test."""
    from wenshu.web.testing import chromium_driver

    driver = chromium_driver()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser_login(browser, live_server, settings):
    """browser_login(user) → the `browser`, now carrying a session for that user (all login
    factors passed) on the live server; the previous person's cookies are dropped first.

    Read pages after a click with wenshu.web.testing.click_and_wait / wait_for_text.
    """
    from django.test import Client

    def _login(user: Any) -> Any:
        client = Client()
        client.force_login(user, backend="wenshu.accounts.backends.WenshuBackend")
        browser.get(live_server.url + "/healthz")  # cookies are set for the page's host
        browser.delete_all_cookies()
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        browser.add_cookie({"name": cookie.key, "value": cookie.value, "path": "/"})
        return browser

    return _login


@pytest.fixture(scope="session")
def clamd_socket(tmp_path_factory):
    """A private clamd for this test run: unix socket in a tmp dir, a database holding only the
    EICAR test signature (made here), StreamMaxLength = settings.UPLOAD_MAX_BYTES.

    Request it in every test that uploads (``@pytest.mark.usefixtures("clamd_socket")``): it
    sets ``django.conf.settings.CLAMD_SOCKET`` to its socket for the rest of the session (and
    restores it at the end). Without it CLAMD_SOCKET is empty under pytest, so an upload is
    refused as "scanner unavailable". Fails, not skips, when clamd is missing: it is required.
    """
    import contextlib

    from django.conf import settings as django_settings

    from wenshu.lib import scan

    if scan.clamd_binary() is None:
        pytest.fail(
            "clamd 未安装：请先运行 make install（安装 Debian 软件包 clamav clamav-daemon）。"
        )
    with contextlib.ExitStack() as stack:
        try:
            socket_path = stack.enter_context(
                scan.private_clamd(
                    tmp_path_factory.mktemp("clamd"), max_bytes=django_settings.UPLOAD_MAX_BYTES
                )
            )
        except RuntimeError as exc:
            pytest.fail(f"无法启动测试用 clamd：{exc}")
        stack.callback(setattr, django_settings, "CLAMD_SOCKET", django_settings.CLAMD_SOCKET)
        django_settings.CLAMD_SOCKET = socket_path
        yield socket_path
