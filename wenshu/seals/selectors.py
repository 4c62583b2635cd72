"""Reads of the seals app, always scoped to the viewer: another unit's seal is a 404.

City oversight roles (digital office, government-office approver, secrecy bureau) see every
seal's public facts; a unit's people see their own unit's seals. Nothing here ever returns a
private key: querysets defer the wrapped key columns.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.lib.errors import NotFound
from wenshu.seals.models import (
    DestructionConfirmation,
    DestructionParty,
    Seal,
    SealApplication,
    SealCustodian,
    SealRules,
    SealUseRequest,
)

CITY_VIEWERS = (Role.CITY_ADMIN, Role.GOV_APPROVER, Role.SECRECY_OFFICER)
_HEAVY = ("wrapped_key", "seal_der", "picture_png", "signer_cert_der")


def is_city_viewer(viewer: User) -> bool:
    return viewer.has_role(*CITY_VIEWERS)


# --- seals ---------------------------------------------------------------------------------


def _own(viewer: User, prefix: str = "") -> Q:
    """The viewer's unit, and units merged into it (their seals are handed in by it)."""
    return Q(**{f"{prefix}unit_id": viewer.unit_id}) | Q(
        **{f"{prefix}unit__merged_into_id": viewer.unit_id}
    )


def _seals(viewer: User) -> QuerySet[Seal]:
    qs = Seal.objects.select_related("unit").defer(*_HEAVY)
    return qs if is_city_viewer(viewer) else qs.filter(_own(viewer))


def seal_get(*, viewer: User, pk: int, lock: bool = False, full: bool = False) -> Seal:
    """One seal the viewer may see. `full` loads the DER and picture (never the key's use)."""
    qs = Seal.objects.select_related("unit") if full or lock else _seals(viewer)
    if not is_city_viewer(viewer):
        qs = qs.filter(_own(viewer))
    if lock:
        qs = qs.select_for_update(of=("self",))
    seal = qs.filter(pk=pk).first()
    if seal is None:
        raise NotFound("找不到该印章，或您无权查看。")
    return seal


def seal_registry(
    *, viewer: User, unit_id: int | None = None, status: str = "", seal_type: str = "", q: str = ""
) -> QuerySet[Seal]:
    """The city registry of every seal (digital office and city oversight roles)."""
    if not is_city_viewer(viewer):
        raise NotFound()
    qs = _seals(viewer)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if status:
        qs = qs.filter(status=status)
    if seal_type:
        qs = qs.filter(seal_type=seal_type)
    if q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(es_id__icontains=q.strip()))
    return qs.order_by("unit_id", "-produced_at", "-id")


def seals_of_unit(*, viewer: User) -> QuerySet[Seal]:
    """The viewer's own unit's seals (every person of the unit may look)."""
    return Seal.objects.select_related("unit").defer(*_HEAVY).filter(unit_id=viewer.unit_id)


def seal_custodians(*, seal: Seal) -> QuerySet[SealCustodian]:
    return SealCustodian.objects.select_related("person").filter(seal=seal, active=True)


def seal_picture(*, viewer: User, pk: int) -> bytes:
    seal = seal_get(viewer=viewer, pk=pk, full=True)
    return bytes(seal.picture_png)


def is_custodian(*, viewer: User, seal_id: int) -> bool:
    return SealCustodian.objects.filter(seal_id=seal_id, person=viewer, active=True).exists()


# --- applications --------------------------------------------------------------------------


def _applications(viewer: User) -> QuerySet[SealApplication]:
    qs = SealApplication.objects.select_related("unit", "old_seal", "new_seal", "requested_by")
    if viewer.has_role(Role.CITY_ADMIN, Role.GOV_APPROVER):
        return qs
    mine = _own(viewer)
    if viewer.has_role(Role.SECRECY_OFFICER):
        mine |= Q(kind=SealApplication.Kind.DESTROY, status__in=["approved", "done"])
    return qs.filter(mine)


def application_get(*, viewer: User, pk: int, lock: bool = False) -> SealApplication:
    qs = _applications(viewer)
    if lock:
        qs = qs.select_for_update(of=("self",))
    app = qs.filter(pk=pk).first()
    if app is None:
        raise NotFound("找不到该印章申请，或您无权查看。")
    return app


def applications_list(
    *, viewer: User, status: str = "", kind: str = ""
) -> QuerySet[SealApplication]:
    qs = _applications(viewer)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


QUEUES = {
    "leader": "待签字的印章申请",
    "gov": "待审批的印章申请",
    "production": "待制作的印章",
    "destruction": "待确认销毁的印章",
}


def application_queue(*, viewer: User, which: str) -> list[SealApplication]:
    """One role's to-do list; empty for a viewer who does not hold that role."""
    base = _applications(viewer).order_by("created_at", "id")
    if which == "leader":
        if not viewer.has_role(Role.UNIT_LEADER):
            return []
        return list(base.filter(status="submitted", unit_id=viewer.unit_id))
    if which == "gov":
        return list(base.filter(status="signed")) if viewer.has_role(Role.GOV_APPROVER) else []
    if which == "production":
        if not viewer.has_role(Role.CITY_ADMIN):
            return []
        return list(base.filter(status="approved").exclude(kind=SealApplication.Kind.DESTROY))
    if which == "destruction":
        return destruction_queue(viewer=viewer)
    raise NotFound()


# --- destruction ---------------------------------------------------------------------------


def parties_of(*, viewer: User, seal: Seal) -> list[str]:
    """Which destruction parties (article 21) the viewer may confirm presence for."""
    parties = []
    if viewer.has_role(Role.GOV_APPROVER):
        parties.append(DestructionParty.GOV_OFFICE)
    if viewer.has_role(Role.SECRECY_OFFICER):
        parties.append(DestructionParty.SECRECY_BUREAU)
    if viewer.has_role(Role.CITY_ADMIN) and viewer.unit.is_digital_office:
        parties.append(DestructionParty.DIGITAL_OFFICE)
    if _owner_side(viewer, seal) or owner_recorded_by_city(viewer=viewer, seal=seal):
        parties.append(DestructionParty.OWNER_UNIT)
    return [str(p) for p in parties]


def _owner_side(viewer: User, seal: Seal) -> bool:
    unit = seal.unit
    if viewer.unit_id != unit.pk and viewer.unit_id != unit.merged_into_id:
        return False
    return viewer.has_role(Role.UNIT_LEADER, Role.UNIT_ADMIN) or is_custodian(
        viewer=viewer, seal_id=seal.pk
    )


def owner_recorded_by_city(*, viewer: User, seal: Seal) -> bool:
    """A deregistered owner with no successor has no one left who can log in: the digital
    office records its attendee by name instead."""
    unit = seal.unit
    return (
        viewer.has_role(Role.CITY_ADMIN)
        and unit.status == unit.Status.DEREGISTERED
        and unit.merged_into_id is None
    )


def confirmations(*, seal: Seal) -> dict[str, DestructionConfirmation]:
    rows = DestructionConfirmation.objects.select_related("person").filter(seal=seal)
    return {row.party: row for row in rows}


def destruction_queue(*, viewer: User) -> list[SealApplication]:
    apps = (
        _applications(viewer)
        .filter(kind=SealApplication.Kind.DESTROY, status="approved")
        .select_related("old_seal__unit")
        .order_by("approved_at", "id")
    )
    waiting = []
    for app in apps:
        if app.old_seal is None:
            continue
        done = set(confirmations(seal=app.old_seal))
        if set(parties_of(viewer=viewer, seal=app.old_seal)) - done:
            waiting.append(app)
    return waiting


# --- use requests --------------------------------------------------------------------------


def _use_requests(viewer: User) -> QuerySet[SealUseRequest]:
    qs = SealUseRequest.objects.select_related("seal", "seal__unit", "requested_by").defer(
        *(f"seal__{f}" for f in _HEAVY), "signature_der"
    )
    return qs if viewer.has_role(Role.CITY_ADMIN) else qs.filter(seal__unit_id=viewer.unit_id)


def use_request_get(*, viewer: User, pk: int) -> SealUseRequest:
    found = _use_requests(viewer).filter(pk=pk).first()
    if found is None:
        raise NotFound("找不到该用印申请，或您无权查看。")
    return found


def use_requests_of_seal(*, viewer: User, seal: Seal) -> QuerySet[SealUseRequest]:
    return _use_requests(viewer).filter(seal=seal)


def custodian_queue(*, viewer: User) -> QuerySet[SealUseRequest]:
    """待用印审批: pending uses of seals the viewer keeps, not yet decided by the viewer."""
    kept = SealCustodian.objects.filter(person=viewer, active=True).values("seal_id")
    return (
        _use_requests(viewer)
        .filter(seal_id__in=kept, status="pending", expires_at__gt=timezone.now())
        .exclude(approvals__custodian=viewer)
        .exclude(requested_by=viewer)
        .order_by("created_at", "id")
    )


def seals_kept_by(*, viewer: User) -> QuerySet[Seal]:
    kept = SealCustodian.objects.filter(person=viewer, active=True).values("seal_id")
    return seals_of_unit(viewer=viewer).filter(pk__in=kept)


# --- rules ---------------------------------------------------------------------------------


def rules_of_unit(*, viewer: User) -> SealRules | None:
    return SealRules.objects.filter(unit_id=viewer.unit_id).select_related("updated_by").first()


def may_edit_rules(*, viewer: User) -> bool:
    return viewer.has_role(Role.UNIT_ADMIN, Role.UNIT_LEADER)


# --- counters ------------------------------------------------------------------------------


def count_queue(*, viewer: User, which: str) -> int:
    if which == "use":
        return custodian_queue(viewer=viewer).count()
    return len(application_queue(viewer=viewer, which=which))


# --- choices for the forms -----------------------------------------------------------------


def custodian_candidates(*, viewer: User) -> QuerySet[User]:
    """People of the viewer's unit who may be named custodians."""
    return (
        User.objects.filter(
            unit_id=viewer.unit_id, status=User.Status.ACTIVE, role_grants__role=Role.SEAL_CUSTODIAN
        )
        .distinct()
        .order_by("id")
    )


def changeable_seals(*, viewer: User) -> QuerySet[Seal]:
    """Seals the viewer's unit may apply to change or destroy (its own and merged units')."""
    return (
        Seal.objects.defer(*_HEAVY)
        .select_related("unit")
        .filter(Q(unit_id=viewer.unit_id) | Q(unit__merged_into_id=viewer.unit_id))
        .exclude(status=Seal.Status.DESTROYED)
        .order_by("id")
    )


def registry_units(*, viewer: User) -> list[tuple[int, str]]:
    if not is_city_viewer(viewer):
        return []
    rows = Seal.objects.values_list("unit_id", "unit__full_name").distinct().order_by("unit_id")
    return list(rows)


def use_signature(*, viewer: User, pk: int) -> bytes:
    """The SES_Signature a used request produced (public: it embeds no private key)."""
    qs = SealUseRequest.objects.filter(pk=pk, status="used")
    if not viewer.has_role(Role.CITY_ADMIN):
        qs = qs.filter(seal__unit_id=viewer.unit_id)
    found = qs.values_list("signature_der", flat=True).first()
    if found is None:
        raise NotFound("该用印申请尚未用印，或您无权查看。")
    return bytes(found)


def maker_certificates_pem() -> str:
    """Every seal-making authority certificate (current and retired), PEM: public material
    that receivers and archives pass to `python -m wenshu.verify --trust`."""
    import base64

    from wenshu.seals.models import SealMaker

    blocks = []
    for der in SealMaker.objects.order_by("created_at").values_list("cert_der", flat=True):
        body = base64.encodebytes(bytes(der)).decode().replace("\n", "")
        lines = [body[i : i + 64] for i in range(0, len(body), 64)]
        pem_body = "\n".join(lines)
        blocks.append(f"-----BEGIN CERTIFICATE-----\n{pem_body}\n-----END CERTIFICATE-----\n")
    return "".join(blocks)
