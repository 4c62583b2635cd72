"""Reads of the keys app, always scoped to the viewer. Another unit's record is a 404.

Who sees what: the digital office, the gov-office approver and the security administrator see
every application and key (they run the city-wide procedure); a unit's system administrator
sees the unit's; everyone else sees their own (as applicant or holder).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.keys.models import KeyApplication, KeyLossReport, KeyPolicy, KeyPolicyRule, LoginKey
from wenshu.lib.errors import NotFound

CITY_WIDE = (Role.CITY_ADMIN, Role.GOV_APPROVER, Role.SECURITY_ADMIN)


def _city_wide(viewer: User) -> bool:
    return viewer.is_active and viewer.has_role(*CITY_WIDE)


def applications_for(
    *, viewer: User, status: str | None = None, kind: str | None = None, unit_id: int | None = None
) -> QuerySet[KeyApplication]:
    qs = KeyApplication.objects.select_related("applicant", "unit", "intended_holder", "key")
    if not _city_wide(viewer):
        mine = Q(applicant=viewer) | Q(intended_holder=viewer)
        if viewer.has_role(Role.UNIT_ADMIN):
            mine |= Q(unit_id=viewer.unit_id)
        qs = qs.filter(mine)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("-applied_at", "-id")


def application_get(*, viewer: User, pk: int) -> KeyApplication:
    found = applications_for(viewer=viewer).filter(pk=pk).first()
    if found is None:
        raise NotFound("找不到该密钥申请，或您无权查看。")
    return found


def approval_queue(*, viewer: User) -> QuerySet[KeyApplication]:
    if not viewer.has_role(Role.GOV_APPROVER):
        return KeyApplication.objects.none()
    return applications_for(viewer=viewer, status=KeyApplication.Status.APPLIED).order_by(
        "applied_at", "id"
    )


def production_queue(*, viewer: User) -> QuerySet[KeyApplication]:
    if not viewer.has_role(Role.CITY_ADMIN):
        return KeyApplication.objects.none()
    waiting = [
        KeyApplication.Status.APPROVED,
        KeyApplication.Status.PRODUCED,
        KeyApplication.Status.NOTIFIED,
    ]
    return applications_for(viewer=viewer).filter(status__in=waiting).order_by("applied_at", "id")


def pending_approval_count(viewer: User) -> int:
    return approval_queue(viewer=viewer).count()


def pending_production_count(viewer: User) -> int:
    if not viewer.has_role(Role.CITY_ADMIN):
        return 0
    return KeyApplication.objects.filter(status=KeyApplication.Status.APPROVED).count()


def keys_for(
    *,
    viewer: User,
    status: str | None = None,
    kind: str | None = None,
    unit_id: int | None = None,
    query: str = "",
) -> QuerySet[LoginKey]:
    qs = LoginKey.objects.select_related("holder", "holder__unit")
    if not _city_wide(viewer):
        mine = Q(holder=viewer)
        if viewer.has_role(Role.UNIT_ADMIN):
            mine |= Q(holder__unit_id=viewer.unit_id)
        qs = qs.filter(mine)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if unit_id:
        qs = qs.filter(holder__unit_id=unit_id)
    if query:
        qs = qs.filter(
            Q(serial__icontains=query)
            | Q(holder__real_name__icontains=query)
            | Q(holder__username__icontains=query)
        )
    return qs.order_by("-produced_at", "-id")


def key_get(*, viewer: User, pk: int) -> LoginKey:
    found = keys_for(viewer=viewer).filter(pk=pk).first()
    if found is None:
        raise NotFound("找不到该密钥，或您无权查看。")
    return found


def my_keys(*, viewer: User) -> QuerySet[LoginKey]:
    return (
        LoginKey.objects.filter(holder=viewer)
        .select_related("holder")
        .order_by("-produced_at", "-id")
    )


def key_history(*, viewer: User, key: LoginKey) -> dict[str, Any]:
    key_get(viewer=viewer, pk=key.pk)  # permission first
    return {
        "holdings": list(
            key.holdings.select_related("holder", "recorded_by").order_by("from_at", "id")
        ),
        "losses": list(key.loss_reports.select_related("reported_by").all()),
    }


def suspended_keys(*, viewer: User) -> QuerySet[LoginKey]:
    if not viewer.has_role(Role.SECURITY_ADMIN, Role.CITY_ADMIN):
        return LoginKey.objects.none()
    return keys_for(viewer=viewer, status=LoginKey.Status.SUSPENDED)


def suspended_count(viewer: User) -> int:
    return suspended_keys(viewer=viewer).count()


def losses_for(*, viewer: User, status: str | None = None) -> QuerySet[KeyLossReport]:
    qs = KeyLossReport.objects.select_related("key", "holder", "unit", "reported_by")
    if not _city_wide(viewer):
        mine = Q(holder=viewer) | Q(reported_by=viewer)
        if viewer.has_role(Role.UNIT_ADMIN, Role.UNIT_LEADER):
            mine |= Q(unit_id=viewer.unit_id)
        qs = qs.filter(mine)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-reported_at", "-id")


def loss_get(*, viewer: User, pk: int) -> KeyLossReport:
    found = losses_for(viewer=viewer).filter(pk=pk).first()
    if found is None:
        raise NotFound("找不到该挂失记录，或您无权查看。")
    return found


def policy_view(*, viewer: User) -> tuple[KeyPolicy | None, QuerySet[KeyPolicyRule]]:
    if not viewer.has_role(Role.SECURITY_ADMIN):
        raise NotFound()
    return KeyPolicy.objects.filter(id=1).first(), KeyPolicyRule.objects.select_related(
        "unit"
    ).all()


def policy_rule_get(*, viewer: User, pk: int) -> KeyPolicyRule:
    _, rules = policy_view(viewer=viewer)
    found = rules.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def unit_people(*, viewer: User) -> QuerySet[User]:
    """People the viewer may apply for: themselves, or the whole unit for its system
    administrator."""
    qs = User.objects.filter(status=User.Status.ACTIVE).select_related("unit")
    if viewer.has_role(Role.UNIT_ADMIN):
        return qs.filter(unit_id=viewer.unit_id).order_by("id")
    return qs.filter(pk=viewer.pk)


def colleagues_of(*, viewer: User, key: LoginKey) -> QuerySet[User]:
    """Possible new holders of a key: active people of the current holder's unit."""
    key_get(viewer=viewer, pk=key.pk)
    return (
        User.objects.filter(status=User.Status.ACTIVE, unit_id=key.holder.unit_id)
        .exclude(pk=key.holder_id)
        .order_by("id")
    )
