"""Personal API tokens for scripts and related systems (关联系统). Only an SM3 digest is
stored; the token itself is shown once."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from wenshu.accounts.api_auth import token_digest
from wenshu.accounts.models import ApiToken, User
from wenshu.accounts.services.common import require_active
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError, NotFound

TOKEN_PREFIX = "wst_"  # noqa: S105  (a visible marker, not a secret)
MAX_LIVE_TOKENS = 20


@transaction.atomic
def api_token_create(
    *, actor: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a token for the acting person. Returns the row and the token (show it once)."""
    require_active(actor)
    if actor.must_change_password:
        raise DomainError("请先修改初始密码，再创建 API 令牌。")
    name = name.strip()
    if not name or len(name) > 100:
        raise DomainError("请填写令牌用途（不超过 100 个字）")
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError("有效期须晚于当前时间")
    User.objects.select_for_update().filter(pk=actor.pk).first()  # one creator at a time per person
    live = ApiToken.objects.filter(user=actor, revoked_at__isnull=True)
    if live.count() >= MAX_LIVE_TOKENS:
        raise Conflict(f"每人最多持有 {MAX_LIVE_TOKENS} 个有效令牌，请先吊销不用的令牌。")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=raw[:12],
        digest=token_digest(raw),
        expires_at=expires_at,
    )
    audit_record(
        actor=actor,
        action="account.api_token_created",
        target=token,
        details={"token_id": token.pk, "prefix": token.prefix},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    """Revoke one of the acting person's tokens; anyone else's is a 404."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
    if token is None:
        raise NotFound()
    if token.revoked_at is not None:
        raise Conflict("该令牌已吊销。")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="account.api_token_revoked",
        target=token,
        details={"token_id": token.pk},
    )
    return token
