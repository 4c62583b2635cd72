"""Bearer authentication with personal API tokens (only their SM3 digest is stored)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from wenshu.accounts.models import ApiToken
from wenshu.lib.gm import sm3_hex


def token_digest(token: str) -> str:
    return sm3_hex(token.encode("utf-8"))


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user", "user__unit")
            .filter(digest=token_digest(token), revoked_at__isnull=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.expires_at and found.expires_at <= now:
            return None
        user = found.user
        if not (user.is_active and user.unit.is_registered) or user.must_change_password:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = user
        return user
