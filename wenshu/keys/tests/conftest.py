"""Helpers for the keys tests: applications in a given state, keys in use, the real login flow."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings

from conftest import PASSWORD
from wenshu.keys import production, services, totp
from wenshu.keys.models import KeyApplication, KeyKind, LoginKey
from wenshu.keys.tests.soft_authenticator import SoftAuthenticator


class Session(dict):
    """A plain dict standing in for request.session in service-level ceremony tests."""


def applied(city: Any, *, holder: Any = None, kind: str = KeyKind.TOTP) -> KeyApplication:
    holder = holder or city.a_staff
    actor = holder if holder.unit_id != city.a.pk else city.a_admin
    return services.key_apply(
        actor=actor, intended_holder=holder, kind=kind, reason="新任岗位，需要登录系统"
    )


def approved(city: Any, **kwargs: Any) -> KeyApplication:
    app = applied(city, **kwargs)
    return services.key_application_approve(actor=city.zhengfuban, application=app)


def produced_totp(city: Any, **kwargs: Any) -> tuple[KeyApplication, LoginKey, str]:
    app = approved(city, kind=KeyKind.TOTP, **kwargs)
    key, secret = services.key_produce_totp(actor=city.shuziban, application=app)
    app.refresh_from_db()
    return app, key, secret


def active_totp(city: Any, **kwargs: Any) -> tuple[LoginKey, str]:
    app, key, secret = produced_totp(city, **kwargs)
    services.key_notify(actor=city.shuziban, application=app)
    services.key_collect(
        actor=city.shuziban, application=app, collected_by_name="张领取", method="by_hand"
    )
    key.refresh_from_db()
    return key, secret


def produced_webauthn(
    city: Any, authenticator: SoftAuthenticator, **kwargs: Any
) -> tuple[KeyApplication, LoginKey]:
    app = approved(city, kind=KeyKind.WEBAUTHN, **kwargs)
    session = Session()
    options = production.register_begin(actor=city.shuziban, application=app, session=session)
    key = production.register_finish(
        actor=city.shuziban,
        application=app,
        session=session,
        credential=authenticator.create(options),
    )
    app.refresh_from_db()
    return app, key


def active_webauthn(city: Any, authenticator: SoftAuthenticator, **kwargs: Any) -> LoginKey:
    app, key = produced_webauthn(city, authenticator, **kwargs)
    services.key_notify(actor=city.shuziban, application=app)
    services.key_collect(
        actor=city.shuziban, application=app, collected_by_name="张领取", method="confidential"
    )
    key.refresh_from_db()
    return key


def password_step(client: Any, user: Any) -> Any:
    """The real password step; returns the response (a redirect to the key step when required)."""
    return client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})


def webauthn_login(client: Any, authenticator: SoftAuthenticator, **get_kwargs: Any) -> Any:
    options = client.post("/keys/login/webauthn/options/", content_type="application/json").json()
    credential = authenticator.get(options, **get_kwargs)
    return client.post(
        "/keys/login/webauthn/verify/",
        json.dumps({"credential": credential}),
        content_type="application/json",
    )


def code_now(secret: str) -> str:
    return totp.code_at_step(secret, totp.current_step())


@pytest.fixture
def authenticator() -> SoftAuthenticator:
    return SoftAuthenticator(origin=settings.WEBAUTHN_ORIGIN)


@pytest.fixture(autouse=True)
def _admins_need_keys(settings: Any) -> None:
    # The tests state their policy; the development default is "admins".
    settings.KEY_REQUIRED_DEFAULT = "admins"


@pytest.fixture
def browser(browser: Any) -> Any:
    """The root conftest's headless Chromium with a virtual FIDO2 authenticator plugged in."""
    from selenium.webdriver.common.virtual_authenticator import VirtualAuthenticatorOptions

    browser.add_virtual_authenticator(
        VirtualAuthenticatorOptions(
            protocol=VirtualAuthenticatorOptions.Protocol.CTAP2,
            transport=VirtualAuthenticatorOptions.Transport.USB,
            has_resident_key=True,
            has_user_verification=True,
            is_user_verified=True,
        )
    )
    return browser
