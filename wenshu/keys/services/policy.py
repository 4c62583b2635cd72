"""The security administrator's key policy, and keys issued outside the paper procedure."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.keys import totp
from wenshu.keys.models import (
    KEY_LIVE_STATUSES,
    KeyHolding,
    KeyKind,
    KeyPolicy,
    KeyPolicyRule,
    LoginKey,
    PolicyMode,
)
from wenshu.keys.services._common import (
    Key,
    _new_serial,
    _require,
)
from wenshu.lib.errors import Conflict, DomainError

# ---------------------------------------------------------------- policy


@transaction.atomic
def key_policy_set(*, actor: User, mode: str) -> KeyPolicy:
    _require(actor, Role.SECURITY_ADMIN, message="只有安全保密管理员可以设置密钥策略。")
    if mode not in ["", *PolicyMode.values]:
        raise DomainError("请选择有效的默认要求。")
    policy, _ = KeyPolicy.objects.select_for_update().get_or_create(id=1)
    before = policy.mode
    policy.mode, policy.updated_by = mode, actor
    policy.save()
    audit_record(
        actor=actor,
        action="key.policy_changed",
        target=policy,
        details={"from": before, "to": mode},
    )
    return policy


@transaction.atomic
def key_policy_rule_add(
    *, actor: User, unit: Any, role: str, required: bool, note: str = ""
) -> KeyPolicyRule:
    _require(actor, Role.SECURITY_ADMIN, message="只有安全保密管理员可以设置密钥策略。")
    role = role or ""
    if role and role not in {r.value for r in Role}:
        raise DomainError("请选择有效的角色。")
    if unit is None and not role:
        raise DomainError("例外规则须指定单位或角色（或两者）。")
    if KeyPolicyRule.objects.filter(unit=unit, role=role).exists():
        raise Conflict("已有相同单位和角色的例外规则，请先删除原规则。")
    rule = KeyPolicyRule.objects.create(
        unit=unit, role=role, required=required, note=note.strip()[:200], created_by=actor
    )
    audit_record(
        actor=actor,
        action="key.policy_rule_added",
        target=rule,
        details={"unit": getattr(unit, "pk", None), "role": role, "required": required},
    )
    return rule


@transaction.atomic
def key_policy_rule_remove(*, actor: User, rule: KeyPolicyRule) -> None:
    _require(actor, Role.SECURITY_ADMIN, message="只有安全保密管理员可以设置密钥策略。")
    details = {"unit": rule.unit_id, "role": rule.role, "required": rule.required}
    deleted, _ = KeyPolicyRule.objects.filter(pk=rule.pk).delete()
    if not deleted:
        raise Conflict("该例外规则已被删除。")
    audit_record(actor=actor, action="key.policy_rule_removed", target=None, details=details)


# ---------------------------------------------------------------- demo and bootstrap


@transaction.atomic
def key_issue_direct_totp(*, holder: User, secret: str, reason: str, is_demo: bool) -> LoginKey:
    """Issue an active TOTP key without the paper procedure: the demo loader, and the console
    bootstrap of the first administrators (nobody could log in to produce their keys)."""
    if LoginKey.objects.filter(
        holder=holder, kind=KeyKind.TOTP, status__in=KEY_LIVE_STATUSES
    ).exists():
        raise Conflict(f"{holder.display_name} 已持有动态口令令牌。")
    serial = _new_serial(KeyKind.TOTP)
    key = LoginKey.objects.create(
        kind=KeyKind.TOTP,
        serial=serial,
        holder=holder,
        status=Key.ACTIVE,
        is_demo=is_demo,
        totp_secret_wrapped=totp.wrap_secret(secret, serial=serial),
        note=reason[:200],
    )
    KeyHolding.objects.create(key=key, holder=holder, from_at=timezone.now(), reason=reason[:300])
    audit_record(
        actor=None,
        action="key.issued_direct",
        target=key,
        unit=holder.unit,
        details={"holder": holder.username, "demo": is_demo, "reason": reason[:200]},
    )
    return key


def key_issue_demo_totp(*, holder: User, secret: str) -> LoginKey:
    """For the demo city loader only (development): a TOTP key with a known secret."""
    from django.conf import settings

    if settings.PRODUCTION:
        raise DomainError("生产模式下不能发放演示密钥。")
    if not totp.valid_secret(secret):
        raise DomainError("演示令牌密钥须为 Base32 编码、至少 128 位（32 个字符）。")
    return key_issue_direct_totp(holder=holder, secret=secret, reason="演示数据", is_demo=True)
