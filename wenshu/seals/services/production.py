"""Production by the digital office (article 20): key pair, signer certificate issued by the
seal-making authority, SES_Seal signed by it, the picture, the custodians → the seal is in use.
A change application also retires the seal it replaces (article 23)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.lib import gm, sealpic, ses, sm2cert
from wenshu.lib.errors import Conflict, DomainError
from wenshu.seals.models import Seal, SealApplication, SealCustodian, SealType, SealUseRequest
from wenshu.seals.services._common import notify, require_role, seal_link, wrap_private_key
from wenshu.seals.services.applications import check_custodians, lock_application
from wenshu.seals.services.maker import maker_key, seal_maker_current

PICTURE_DPI = 300  # print quality at the seal's real size; keeps every signature small
DEFAULT_DIAMETER_MM = 42
MAX_VALID_YEARS = 10


@dataclass
class ProductionInput:
    """What the digital office decides at production; everything else comes from the
    approved application."""

    picture_png: bytes | None = None  # an uploaded scan; None draws the round red seal
    diameter_mm: int = DEFAULT_DIAMETER_MM
    valid_years: int = 5


def seal_name_for(unit_name: str, seal_type: str) -> str:
    if seal_type == SealType.OFFICIAL:
        return unit_name
    return unit_name + SealType(seal_type).label


def _new_es_id() -> str:
    # ASCII (GB/T 38540 IA5String), unique, and readable on a phone call.
    return f"WS{timezone.now():%Y%m%d}{secrets.token_hex(5).upper()}"


def _picture(unit_name: str, seal_type: str, data: ProductionInput) -> bytes:
    if data.picture_png is not None:
        try:
            sealpic.validate_png(data.picture_png)
        except ValueError as exc:
            raise DomainError(str(exc)) from exc
        return data.picture_png
    bottom = "" if seal_type == SealType.OFFICIAL else SealType(seal_type).label
    size = sealpic.seal_size_px(data.diameter_mm, PICTURE_DPI)
    return sealpic.render_seal(unit_name, bottom_text=bottom, size_px=size)


def _check_input(data: ProductionInput) -> None:
    if not 20 <= data.diameter_mm <= 60:
        raise DomainError("印面直径须在 20 到 60 毫米之间")
    if not 1 <= data.valid_years <= MAX_VALID_YEARS:
        raise DomainError(f"有效期须在 1 到 {MAX_VALID_YEARS} 年之间")


def _make_seal(app: SealApplication, actor: User, data: ProductionInput) -> Seal:
    unit = app.unit
    maker = seal_maker_current(actor=actor)
    assert maker is not None  # created on first need
    now = timezone.now()
    start, end = now - timedelta(minutes=1), now + timedelta(days=365 * data.valid_years)
    name = seal_name_for(unit.full_name, app.seal_type)
    seal = Seal(
        unit=unit,
        name=name,
        seal_type=app.seal_type,
        es_id=_new_es_id(),
        maker=maker,
        diameter_mm=data.diameter_mm,
        threshold_k=app.threshold_k or 1,
        valid_start=start,
        valid_end=end,
        produced_at=now,
        produced_by=actor,
        picture_uploaded=data.picture_png is not None,
    )
    seal.picture_png = _picture(unit.full_name, app.seal_type, data)
    key, ca_key = gm.generate_private_key(), maker_key(maker)
    seal.signer_cert_der = sm2cert.issue_cert(
        issuer_key=ca_key,
        issuer_cert_der=bytes(maker.cert_der),
        subject_public_key=key.public_key(),
        common_name=f"{name} {seal.es_id}",
        organization=unit.full_name,
        not_before=start,
        not_after=end,
    )
    try:
        seal.seal_der = ses.make_seal(
            maker_key=ca_key,
            maker_cert_der=bytes(maker.cert_der),
            es_id=seal.es_id,
            name=name,
            seal_type=ses.SEAL_TYPE_ORGANIZATION,
            signer_cert_der=seal.signer_cert_der,
            picture_png=bytes(seal.picture_png),
            width_mm=data.diameter_mm,
            height_mm=data.diameter_mm,
            valid_start=start,
            valid_end=end,
            create_date=now,
        )
    except ses.SesError as exc:
        raise DomainError(str(exc)) from exc
    seal.wrapped_key = wrap_private_key(key, seal.wrap_aad)
    seal.save()
    return seal


def retire_seal(*, seal: Seal, replaced_by: Seal | None, actor: User | None, reason: str) -> None:
    """The old seal is handed back: it signs nothing from now on (caller holds the row lock)."""
    seal.transition(Seal.Status.RETIRED)
    seal.retired_at, seal.replaced_by = timezone.now(), replaced_by
    seal.save(update_fields=["status", "retired_at", "replaced_by"])
    void_open_uses(seal=seal)
    audit_record(
        actor=actor,
        action="seal.retired",
        target=seal,
        unit=seal.unit,
        details={
            "es_id": seal.es_id,
            "reason": reason,
            "replaced_by": replaced_by.es_id if replaced_by else None,
        },
    )


def void_open_uses(*, seal: Seal) -> int:
    """Uses waiting for this seal can no longer happen: they expire with it."""
    return SealUseRequest.objects.filter(seal=seal, status__in=["pending", "approved"]).update(
        status=SealUseRequest.Status.EXPIRED
    )


@transaction.atomic
def seal_produce(
    *, actor: User, application: SealApplication, data: ProductionInput | None = None
) -> Seal:
    """Make the seal of an approved new or change application; it is in use at once."""
    require_role(actor, Role.CITY_ADMIN, message="只有市数字办可以制作电子印章")
    data = data or ProductionInput()
    _check_input(data)
    app, old = lock_application(actor, application)
    if app.kind == SealApplication.Kind.DESTROY:
        raise Conflict("这是销毁申请，应在各方到场确认后销毁印章，而不是制作")
    app.transition(SealApplication.Status.DONE)  # refuses a stale page or a second click
    if not app.unit.is_registered:
        raise Conflict("申请单位已不在系统中注册，不能为其制作印章")
    custodians = check_custodians(
        unit_id=app.unit_id, custodians=list(app.custodians.all()), k=app.threshold_k
    )
    seal = _make_seal(app, actor, data)
    SealCustodian.objects.bulk_create(SealCustodian(seal=seal, person=p) for p in custodians)
    app.handled_by, app.handled_at, app.new_seal = actor, timezone.now(), seal
    app.save(update_fields=["status", "handled_by", "handled_at", "new_seal"])
    if old is not None and old.status != Seal.Status.RETIRED:
        # Before this service's own audit event: the old seal's use requests are updated here,
        # and no row may be written after the audit chain's head is locked (see audit_record).
        retire_seal(seal=old, replaced_by=seal, actor=actor, reason=app.get_change_reason_display())
    _announce(app, seal, custodians)
    audit_record(
        actor=actor,
        action="seal.produced",
        target=seal,
        unit=seal.unit,
        details={
            "application_id": app.pk,
            "es_id": seal.es_id,
            "seal_type": seal.seal_type,
            "signer_cert_sm3": gm.sm3_hex(bytes(seal.signer_cert_der)),
            "seal_sm3": gm.sm3_hex(bytes(seal.seal_der)),
            "picture_uploaded": seal.picture_uploaded,
            "custodian_ids": [p.pk for p in custodians],
            "threshold_k": seal.threshold_k,
        },
    )
    return seal


def _announce(app: SealApplication, seal: Seal, custodians: list[User]) -> None:
    people = [*custodians, *([app.requested_by] if app.requested_by else [])]
    notify(
        people,
        title="电子印章已制作完成",
        body=f"{seal.name}（{seal.es_id}）已启用",
        link=seal_link(seal.pk),
    )
