"""Small helpers for the accounts tests."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory

from wenshu.accounts.models import User


def fake_request(ip: str = "10.0.0.1") -> Any:
    """A request object for calling the login services directly (as a view would)."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=ip)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def fresh(user: User) -> User:
    return User.objects.select_related("unit").get(pk=user.pk)


def login_post(client: Any, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )
