"""Reads of units, always for a viewer. Another unit's affairs are a 404 (NotFound), a page
meant for another role is a 403 (Forbidden)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet

from wenshu.accounts.roles import Role
from wenshu.lib.errors import Forbidden, NotFound
from wenshu.org.models import (
    Department,
    Deregistration,
    RenameRequest,
    RequestStatus,
    Unit,
    UnitApplication,
    UnitGroup,
    UnitMerge,
)
from wenshu.org.people import LIVE_PEOPLE, user_model

if TYPE_CHECKING:
    from wenshu.accounts.models import User
else:
    User = Any


def is_city_admin(viewer: User) -> bool:
    return bool(viewer.is_active and viewer.has_role(Role.CITY_ADMIN))


def _is_unit_admin(viewer: User) -> bool:
    return bool(viewer.is_active and viewer.has_role(Role.UNIT_ADMIN))


def _require_city_admin(viewer: User) -> None:
    if not is_city_admin(viewer):
        raise Forbidden("此页面仅供市数字办管理员使用。")


def _search(units: QuerySet[Unit], q: str | None) -> QuerySet[Unit]:
    q = (q or "").strip()
    if not q:
        return units
    # Former names count too: people still call a renamed unit by its old name.
    matching = Q(full_name__icontains=q) | Q(short_name__icontains=q) | Q(agency_code__icontains=q)
    return units.filter(matching | Q(names__full_name__icontains=q)).distinct()


def units_in_directory(
    *,
    viewer: User,
    kind: str | None = None,
    q: str | None = None,
) -> QuerySet[Unit]:
    """Registered units in the exchange directory: anyone signed in may address them."""
    if not viewer.is_active:
        return Unit.objects.none()
    units = Unit.objects.filter(status=Unit.Status.REGISTERED, in_directory=True)
    if kind:
        units = units.filter(kind=kind)
    return _search(units, q).select_related("superior").order_by("kind", "full_name")


def unit_registry(
    *, viewer: User, status: str | None = None, kind: str | None = None, q: str | None = None
) -> QuerySet[Unit]:
    """Every unit in any state, for the digital office's registry."""
    _require_city_admin(viewer)
    units = Unit.objects.all()
    if status:
        units = units.filter(status=status)
    if kind:
        units = units.filter(kind=kind)
    return _search(units, q).select_related("superior").order_by("-id")


def _may_see_unit(viewer: User, unit: Unit) -> bool:
    if is_city_admin(viewer):
        return True
    if not viewer.is_active:
        return False
    if unit.pk == viewer.unit_id:
        return viewer.has_role(Role.UNIT_ADMIN, Role.UNIT_LEADER)
    # The superior's administrator follows the application they filed for a subordinate.
    return (
        _is_unit_admin(viewer)
        and unit.superior_id == viewer.unit_id
        and unit.status in (Unit.Status.APPLIED, Unit.Status.REJECTED)
    )


def unit_for_viewer(*, viewer: User, unit_id: int) -> Unit:
    """A unit with its requests: the digital office sees all, a unit's administrator and
    leader their own unit; anyone else gets NotFound."""
    unit = Unit.objects.select_related("superior", "merged_into").filter(pk=unit_id).first()
    if unit is None or not _may_see_unit(viewer, unit):
        raise NotFound()
    return unit


def unit_name_history(*, viewer: User, unit: Unit) -> QuerySet[Any]:
    if not _may_see_unit(viewer, unit):
        raise NotFound()
    return unit.names.order_by("-valid_from")


def _applications() -> QuerySet[UnitApplication]:
    return UnitApplication.objects.select_related(
        "unit", "unit__superior", "filed_by", "reviewed_by"
    )


def applications(*, viewer: User, pending_only: bool = False) -> QuerySet[UnitApplication]:
    """The digital office sees every application; a unit's administrator those for its
    subordinates (filed by their unit); anyone else none."""
    found = _applications()
    if pending_only:
        found = found.filter(unit__status=Unit.Status.APPLIED)
    if is_city_admin(viewer):
        return found
    if _is_unit_admin(viewer):
        return found.filter(unit__superior_id=viewer.unit_id)
    return found.none()


def pending_applications(*, viewer: User) -> QuerySet[UnitApplication]:
    return applications(viewer=viewer, pending_only=True).order_by("filed_at", "id")


def application_for_viewer(*, viewer: User, application_id: int) -> UnitApplication:
    found = applications(viewer=viewer).filter(pk=application_id).first()
    if found is None:
        raise NotFound()
    return found


def _scoped_requests(viewer: User, found: QuerySet[Any]) -> QuerySet[Any]:
    if is_city_admin(viewer):
        return found
    if _is_unit_admin(viewer):
        return found.filter(unit_id=viewer.unit_id)
    return found.none()


def rename_requests(*, viewer: User, status: str | None = None) -> QuerySet[RenameRequest]:
    found = RenameRequest.objects.select_related("unit", "new_admin", "requested_by", "decided_by")
    if status:
        found = found.filter(status=status)
    return _scoped_requests(viewer, found)


def rename_request_for_viewer(*, viewer: User, request_id: int) -> RenameRequest:
    found = rename_requests(viewer=viewer).filter(pk=request_id).first()
    if found is None:
        raise NotFound()
    return found


def rename_closing_list(*, viewer: User, request: RenameRequest) -> QuerySet[Any]:
    """The people a rename letter did not keep (their accounts are for closing)."""
    rename_request_for_viewer(viewer=viewer, request_id=request.pk)
    return request.closing_people.select_related("department").order_by("id")


def deregistrations(*, viewer: User, status: str | None = None) -> QuerySet[Deregistration]:
    found = Deregistration.objects.select_related(
        "unit", "unit__superior", "requested_by", "decided_by", "merge"
    )
    if status:
        found = found.filter(status=status)
    return _scoped_requests(viewer, found)


def deregistration_for_viewer(*, viewer: User, request_id: int) -> Deregistration:
    found = deregistrations(viewer=viewer).filter(pk=request_id).first()
    if found is None:
        raise NotFound()
    return found


def merges(*, viewer: User) -> QuerySet[UnitMerge]:
    found = UnitMerge.objects.select_related("target", "executed_by").prefetch_related("sources")
    if is_city_admin(viewer):
        return found
    if _is_unit_admin(viewer):
        return found.filter(Q(target_id=viewer.unit_id) | Q(sources=viewer.unit_id)).distinct()
    return found.none()


def merge_for_viewer(*, viewer: User, merge_id: int) -> UnitMerge:
    found = merges(viewer=viewer).filter(pk=merge_id).first()
    if found is None:
        raise NotFound()
    return found


def merge_people(*, viewer: User, merge: UnitMerge) -> dict[str, list[Any]]:
    """Who moved and who was disabled, as the merge recorded it."""
    merge_for_viewer(viewer=viewer, merge_id=merge.pk)
    outcome = merge.people_outcome or {}
    ids = [*outcome.get("moved", []), *outcome.get("disabled", [])]
    people = {p.pk: p for p in user_model().objects.filter(pk__in=ids)}
    return {
        key: [people[pk] for pk in outcome.get(key, []) if pk in people]
        for key in ("moved", "disabled")
    }


def pending_count(*, viewer: User) -> int:
    """What waits for the digital office: applications, renames and deregistrations."""
    if not is_city_admin(viewer):
        return 0
    return (
        pending_applications(viewer=viewer).count()
        + rename_requests(viewer=viewer, status=RequestStatus.PENDING).count()
        + deregistrations(viewer=viewer, status=RequestStatus.PENDING).count()
    )


def groups(*, viewer: User) -> QuerySet[UnitGroup]:
    """Addressing groups with their (registered) members; anyone signed in may read them."""
    if not viewer.is_active:
        return UnitGroup.objects.none()
    members = Unit.objects.filter(status=Unit.Status.REGISTERED).order_by("full_name")
    return UnitGroup.objects.prefetch_related(Prefetch("units", queryset=members))


def group_for_viewer(*, viewer: User, group_id: int) -> UnitGroup:
    found = groups(viewer=viewer).filter(pk=group_id).first()
    if found is None:
        raise NotFound()
    return found


def departments(
    *,
    viewer: User,
    unit: Unit,
    include_inactive: bool = False,
) -> QuerySet[Department]:
    """A unit's departments, for its own people and the digital office."""
    if not viewer.is_active or not (viewer.unit_id == unit.pk or is_city_admin(viewer)):
        raise NotFound()
    found = unit.departments.select_related("info_officer")
    return found if include_inactive else found.filter(is_active=True)


def department_for_viewer(*, viewer: User, department_id: int) -> Department:
    """A department to manage: only its own unit's administrator reaches it."""
    found = (
        Department.objects.select_related("unit", "info_officer").filter(pk=department_id).first()
    )
    if found is None or not _is_unit_admin(viewer) or found.unit_id != viewer.unit_id:
        raise NotFound()
    return found


def unit_people(*, viewer: User, unit: Unit, include_pending: bool = False) -> QuerySet[Any]:
    """Active people of the viewer's own unit (to pick an administrator or an information
    officer), with pending accounts too when asked; the digital office may list any unit's."""
    if not viewer.is_active or not (viewer.unit_id == unit.pk or is_city_admin(viewer)):
        raise NotFound()
    statuses = LIVE_PEOPLE if include_pending else ("active",)
    return unit.people.filter(status__in=statuses).select_related("department").order_by("id")


def merge_candidates(*, viewer: User, unit_ids: list[int]) -> QuerySet[Any]:
    """The usable people of the units about to be merged (the per-person choice)."""
    _require_city_admin(viewer)
    people = user_model().objects.filter(unit_id__in=unit_ids, status__in=LIVE_PEOPLE)
    return people.select_related("unit").order_by("unit_id", "id")
