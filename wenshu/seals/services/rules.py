"""Each unit's own seal management rules (article 24), kept by its administrator or head."""

from __future__ import annotations

from django.db import transaction

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.lib import gm
from wenshu.lib.errors import DomainError
from wenshu.seals.models import SealRules
from wenshu.seals.services._common import require_role

MAX_RULES = 20000


@transaction.atomic
def seal_rules_update(*, actor: User, text: str) -> SealRules:
    """Replace the actor's unit's seal rules; shown to the unit's custodians."""
    require_role(
        actor,
        Role.UNIT_ADMIN,
        Role.UNIT_LEADER,
        message="只有单位系统管理员或单位负责人可以修改本单位印章管理办法",
    )
    if len(text) > MAX_RULES:
        raise DomainError(f"印章管理办法不能超过 {MAX_RULES} 字")
    rules, _ = SealRules.objects.select_for_update().get_or_create(unit_id=actor.unit_id)
    rules.text, rules.updated_by = text.strip(), actor
    rules.save()
    audit_record(
        actor=actor,
        action="seal.rules_updated",
        target=rules,
        details={"length": len(rules.text), "text_sm3": gm.sm3_hex(rules.text.encode())},
    )
    return rules
