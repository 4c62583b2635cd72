"""Reads of people, requests, tokens and login history, always scoped to the viewer.

A unit administrator sees their own unit; the digital office and the security
administrator see everyone (they manage city-wide); the audit administrator reads login
history of anyone. Outside that scope an object is a 404.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from wenshu.accounts.models import AccountRequest, ApiToken, LoginAttempt, User
from wenshu.accounts.roles import CITY_ROLES, Role
from wenshu.lib.errors import Forbidden, NotFound

_PEOPLE_MANAGERS = (Role.UNIT_ADMIN, Role.CITY_ADMIN, Role.SECURITY_ADMIN)


def _people_scope(viewer: User) -> QuerySet[User]:
    people = User.objects.select_related("unit", "department").prefetch_related("role_grants")
    if viewer.has_role(Role.CITY_ADMIN, Role.SECURITY_ADMIN):
        return people
    if viewer.has_role(Role.UNIT_ADMIN):
        return people.filter(unit_id=viewer.unit_id)
    raise Forbidden("只有系统管理员、市数字办和安全保密管理员可以管理人员。")


def people_for(
    *, viewer: User, unit_id: int | None = None, q: str = "", status: str = "", role: str = ""
) -> QuerySet[User]:
    people = _people_scope(viewer)
    if unit_id:
        people = people.filter(unit_id=unit_id)
    if q:
        people = people.filter(Q(username__icontains=q) | Q(real_name__icontains=q))
    if status:
        people = people.filter(status=status)
    if role:
        people = people.filter(role_grants__role=role)
    return people.order_by("unit_id", "department_id", "id").distinct()


def person_for(*, viewer: User, pk: int) -> User:
    """One person the viewer manages, or NotFound (another unit's person included)."""
    if not viewer.has_role(*_PEOPLE_MANAGERS):
        raise NotFound()
    person = _people_scope(viewer).filter(pk=pk).first()
    if person is None:
        raise NotFound()
    return person


def person_by_username(*, viewer: User, username: str) -> User:
    person = _people_scope(viewer).filter(username=username.strip()).first()
    if person is None:
        raise NotFound("找不到该用户名，或您无权管理该人员。")
    return person


def city_role_holders(*, viewer: User) -> QuerySet[User]:
    if not viewer.has_role(Role.SECURITY_ADMIN):
        raise Forbidden("只有安全保密管理员可以查看全市角色。")
    return (
        User.objects.filter(role_grants__role__in=[r.value for r in CITY_ROLES])
        .select_related("unit")
        .prefetch_related("role_grants")
        .distinct()
        .order_by("unit_id", "id")
    )


def locked_accounts(*, viewer: User, now: datetime) -> QuerySet[User]:
    if not viewer.has_role(Role.SECURITY_ADMIN):
        raise Forbidden("只有安全保密管理员可以查看被锁定的账号。")
    return User.objects.filter(locked_until__gt=now).select_related("unit").order_by("locked_until")


def account_requests_for(
    *, viewer: User, status: str = "", kind: str = ""
) -> QuerySet[AccountRequest]:
    requests = AccountRequest.objects.select_related(
        "unit", "requested_by", "person", "decided_by", "department"
    )
    if not viewer.has_role(Role.CITY_ADMIN):
        if not viewer.has_role(Role.UNIT_ADMIN):
            raise Forbidden("账号申请由单位系统管理员申报、市数字办审批，您无权查看。")
        requests = requests.filter(unit_id=viewer.unit_id)
    if status:
        requests = requests.filter(status=status)
    if kind:
        requests = requests.filter(kind=kind)
    return requests.order_by("-created_at", "-id")


def account_request_for(*, viewer: User, pk: int) -> AccountRequest:
    if not viewer.has_role(Role.CITY_ADMIN, Role.UNIT_ADMIN):
        raise NotFound()
    found = account_requests_for(viewer=viewer).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def pending_requests_count(*, viewer: User) -> int:
    if viewer.has_role(Role.CITY_ADMIN):
        return AccountRequest.objects.filter(status=AccountRequest.Status.PENDING).count()
    if viewer.has_role(Role.UNIT_ADMIN):
        return AccountRequest.objects.filter(
            status=AccountRequest.Status.PENDING, unit_id=viewer.unit_id
        ).count()
    return 0


def api_tokens_for(*, viewer: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=viewer).order_by("revoked_at", "-created_at")


def login_history(*, viewer: User, person: User) -> QuerySet[LoginAttempt]:
    """A person sees their own login history; the audit administrator sees anyone's."""
    if viewer.pk != person.pk and not viewer.has_role(Role.AUDIT_ADMIN):
        raise NotFound()
    return LoginAttempt.objects.filter(user=person).order_by("-at", "-id")


def login_attempts_search(
    *,
    viewer: User,
    username: str = "",
    ip: str = "",
    result: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[LoginAttempt]:
    """The audit administrator's view of every login attempt, unknown names included."""
    if not viewer.has_role(Role.AUDIT_ADMIN):
        raise Forbidden("登录记录查询属于安全审计员的控制台，您无权进入。")
    attempts = LoginAttempt.objects.select_related("user", "user__unit")
    if username:
        attempts = attempts.filter(username__iexact=username.strip())
    if ip:
        attempts = attempts.filter(ip=ip.strip())
    if result:
        attempts = attempts.filter(result=result)
    if since:
        attempts = attempts.filter(at__gte=since)
    if until:
        attempts = attempts.filter(at__lt=until)
    return attempts.order_by("-at", "-id")
