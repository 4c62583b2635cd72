"""Small helpers shared by the account services: who may act, and how to lock a person."""

from __future__ import annotations

import re

from django.http import HttpRequest

from wenshu.accounts.models import USER_TRANSITIONS, User
from wenshu.accounts.roles import Role
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
PHONE_RE = re.compile(r"^[0-9+\-() 转]{3,40}$")
USERNAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{2,59}$")


def request_meta(request: HttpRequest) -> tuple[str, str]:
    """The client address (as the audit context saw it) and user agent of a request."""
    from wenshu.audit.context import current

    ip = current().ip or str(request.META.get("REMOTE_ADDR", ""))
    return ip[:64], str(request.META.get("HTTP_USER_AGENT", ""))[:300]


def require_active(actor: User) -> None:
    if not (actor.is_authenticated and actor.is_active):
        raise Forbidden("您的账号当前不可用，不能进行此操作。")


def is_unit_admin_of(actor: User, unit_id: int) -> bool:
    return actor.is_active and actor.unit_id == unit_id and actor.has_role(Role.UNIT_ADMIN)


def unit_has_admin(unit_id: int, *, besides: User | None = None) -> bool:
    """Whether the unit has an active unit administrator (other than `besides`)."""
    admins = User.objects.filter(
        unit_id=unit_id, status=User.Status.ACTIVE, role_grants__role=Role.UNIT_ADMIN
    )
    if besides is not None:
        admins = admins.exclude(pk=besides.pk)
    return admins.exists()


def lock_person(pk: int) -> User:
    """The person's row, locked for the rest of the transaction (caller is inside atomic)."""
    person = (
        User.objects.select_for_update(of=("self",))
        .select_related("unit", "department")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise NotFound()
    return person


def person_in_reach(actor: User, person: User) -> None:
    """A unit administrator reaches only their own unit: anyone else's person is a 404."""
    if actor.has_role(Role.CITY_ADMIN, Role.SECURITY_ADMIN):
        return
    if actor.unit_id != person.unit_id:
        raise NotFound()


def move_status(person: User, new: str) -> None:
    if new not in USER_TRANSITIONS.get(person.status, frozenset()):
        label = User.Status(new).label
        raise Conflict(f"该账号当前状态为“{person.get_status_display()}”，不能改为“{label}”。")
    person.status = new


def check_mobile(mobile: str) -> str:
    mobile = mobile.strip()
    if mobile and not MOBILE_RE.match(mobile):
        raise DomainError("手机号码格式不正确（应为 11 位中国大陆手机号码）")
    return mobile


def check_phone(phone: str) -> str:
    phone = phone.strip()
    if phone and not PHONE_RE.match(phone):
        raise DomainError("办公电话只能包含数字、空格、“-”、“+”、括号和“转”")
    return phone
