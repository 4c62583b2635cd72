"""The address book (通讯录): registered units in the exchange directory, their departments
and their active people with office phones and posts.

A person's mobile number appears only when they chose to share it (User.share_mobile). The
rows are plain dicts built by the database with the mobile already blanked for those who did
not, so no page, template or API response can reach an unshared number, and a search never
matches one (that would reveal whose it is).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Case, CharField, F, Q, QuerySet, Value, When

from wenshu.lib.errors import NotFound
from wenshu.org.models import Department, Unit
from wenshu.org.selectors import units_in_directory

if TYPE_CHECKING:
    from wenshu.accounts.models import User
else:
    User = Any

# What the address book shows of a person, besides `shared_mobile`: the number or "".
PUBLIC_FIELDS = (
    "id",
    "username",
    "real_name",
    "post",
    "office_phone",
    "unit_id",
    "unit__full_name",
    "unit__short_name",
    "department_id",
    "department__name",
    "department__phone",
)


def _may_read(viewer: User) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and viewer.is_active)


def _listed_people() -> QuerySet[Any]:
    from wenshu.accounts.models import User as UserModel

    return UserModel.objects.filter(
        status="active", unit__status=Unit.Status.REGISTERED, unit__in_directory=True
    )


def _matching(q: str) -> Q:
    return (
        Q(real_name__icontains=q)
        | Q(username__iexact=q)
        | Q(post__icontains=q)
        | Q(unit__full_name__icontains=q)
        | Q(unit__short_name__icontains=q)
        | Q(department__name__icontains=q)
        | Q(office_phone__icontains=q)
        | Q(department__phone__icontains=q)
        | Q(share_mobile=True, mobile__icontains=q)
    )  # only numbers their owner shared


def directory_people(
    *, viewer: User, q: str = "", unit_id: int | None = None, department_id: int | None = None
) -> QuerySet[Any, dict[str, Any]]:
    """Active people of units in the directory, as dicts of PUBLIC_FIELDS plus
    ``shared_mobile``."""
    if not _may_read(viewer):
        return _listed_people().none().values(*PUBLIC_FIELDS)
    people = _listed_people()
    if unit_id:
        people = people.filter(unit_id=unit_id)
    if department_id:
        people = people.filter(department_id=department_id)
    q = (q or "").strip()
    if q:
        people = people.filter(_matching(q))
    shared_mobile = Case(
        When(share_mobile=True, then=F("mobile")), default=Value(""), output_field=CharField()
    )
    return (
        people.annotate(shared_mobile=shared_mobile)
        .order_by("unit__kind", "unit_id", "department__order", "department_id", "id")
        .values(*PUBLIC_FIELDS, "shared_mobile")
    )


def directory_units(*, viewer: User, q: str = "") -> QuerySet[Unit]:
    if not _may_read(viewer):
        return Unit.objects.none()
    return units_in_directory(viewer=viewer, q=q)


def directory_unit(*, viewer: User, unit_id: int) -> Unit:
    """A unit of the directory; any other unit (applied, deregistered, hidden) is a 404."""
    unit = directory_units(viewer=viewer).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("通讯录中找不到该单位。")
    return unit


def directory_departments(*, viewer: User, unit: Unit) -> QuerySet[Department]:
    if not _may_read(viewer):
        return Department.objects.none()
    return unit.departments.filter(is_active=True).order_by("order", "id")
