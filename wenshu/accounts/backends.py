from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from wenshu.accounts.models import User


class WenshuBackend(ModelBackend):
    """Password check only; lockout, throttling and history live in services.login_password.

    A person may authenticate only while their account is active and their unit registered.
    """

    def user_can_authenticate(self, user: Any) -> bool:
        return bool(user.is_active and user.unit.is_registered)

    def get_user(self, user_id: int) -> User | None:
        user = User.objects.select_related("unit", "department").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        user = User.objects.select_related("unit").filter(username=username).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
