"""A person's particulars: what they keep themselves (phones, notification choices, S1
art. 16) and what their unit administrator files (department, post, duties, S1 art. 12)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.accounts.services.common import (
    check_mobile,
    check_phone,
    is_unit_admin_of,
    lock_person,
    person_in_reach,
    require_active,
)
from wenshu.audit.services import audit_record
from wenshu.lib.errors import DomainError, Forbidden


@dataclass
class ProfileChoices:
    mobile: str
    office_phone: str
    share_mobile: bool
    notify_sms: bool
    notify_inapp: bool


@dataclass
class Filing:
    """What the unit administrator keeps on file for a person (职责权限备案)."""

    real_name: str
    department_id: int | None
    post: str
    duties: str
    mobile: str


def _apply(person: User, values: dict[str, object]) -> list[str]:
    changed = [name for name, value in values.items() if getattr(person, name) != value]
    for name in changed:
        setattr(person, name, values[name])
    if changed:
        person.save(update_fields=changed)
    return changed


@transaction.atomic
def profile_update(*, actor: User, choices: ProfileChoices) -> User:
    """The person keeps their own phones and notification choices."""
    require_active(actor)
    person = lock_person(actor.pk)
    values: dict[str, object] = {
        "mobile": check_mobile(choices.mobile),
        "office_phone": check_phone(choices.office_phone),
        "share_mobile": bool(choices.share_mobile),
        "notify_sms": bool(choices.notify_sms),
        "notify_inapp": bool(choices.notify_inapp),
    }
    if values["notify_sms"] and not values["mobile"]:
        raise DomainError("开启短信提醒须先登记手机号码")
    changed = _apply(person, values)
    if changed:
        # The numbers themselves stay out of the log: which fields changed is enough.
        audit_record(
            actor=actor,
            action="account.profile_changed",
            target=person,
            details={"fields": changed},
        )
    return person


@transaction.atomic
def person_update(*, actor: User, person: User, filing: Filing) -> User:
    """The unit administrator files a person's name, department, post, duties and mobile."""
    person_in_reach(actor, person)
    if not (is_unit_admin_of(actor, person.unit_id) or actor.has_role(Role.CITY_ADMIN)):
        raise Forbidden("只有本单位系统管理员（或市数字办）可以修改人员的备案信息。")
    target = lock_person(person.pk)
    real_name = filing.real_name.strip()
    if not real_name or len(real_name) > 60:
        raise DomainError("请填写姓名（不超过 60 个字）")
    department = None
    if filing.department_id:
        department = target.unit.departments.filter(pk=filing.department_id, is_active=True).first()
        if department is None:
            raise DomainError("所选部门不属于该单位")
    changed = _apply(
        target,
        {
            "real_name": real_name,
            "department": department,
            "post": filing.post.strip()[:60],
            "duties": filing.duties.strip()[:4000],
            "mobile": check_mobile(filing.mobile),
        },
    )
    if changed:
        audit_record(
            actor=actor,
            action="account.filing_changed",
            target=target,
            unit=target.unit,
            details={"fields": changed},
        )
    return target
