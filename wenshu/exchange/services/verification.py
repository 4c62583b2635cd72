"""Verifying a received document (art. 39: check it before printing or importing).

Three checks, all of which must pass: the exchange package itself (`verify_package` with the
seal-making authorities this system trusts), the seal's status at the signing time
(`seal_verify`, against the registry) and the integrity of the stored body original and
attachments (their SM3 as recorded at upload). Reading is free of side effects
(`delivery_check`); `delivery_verify` records the outcome when the state changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.audit.services import audit_record
from wenshu.exchange.models import Delivery, DeliveryEvent
from wenshu.exchange.services._receiver import event, lock, require_reader
from wenshu.lib.errors import DomainError
from wenshu.lib.package import verify_package

_S = Delivery.Status


@dataclass(frozen=True)
class Verification:
    ok: bool
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seal_name: str = ""
    seal_unit: str = ""
    signing_time: datetime | None = None
    seal_status: str = ""
    seal_note: str = ""
    seal_id: int | None = None

    @property
    def summary(self) -> str:
        return "验证通过" if self.ok else "；".join(self.reasons)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "reasons": self.reasons,
            "warnings": self.warnings,
            "seal_name": self.seal_name,
            "seal_unit": self.seal_unit,
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
            "seal_status": self.seal_status,
            "seal_note": self.seal_note,
        }


def _trusted_makers() -> list[bytes]:
    from wenshu.seals.models import SealMaker

    return [bytes(m.cert_der) for m in SealMaker.objects.only("id", "cert_der")]


def _stored_files(document: Any) -> list[str]:
    """Reasons for stored files (body original, attachments) missing or changed."""
    from wenshu.files.services import file_open_verified

    reasons: list[str] = []
    uploads = [("正文原件", document.body_original)] if document.body_original else []
    for a in document.attachments.select_related("upload__stored_file").order_by("position"):
        if a.upload is not None:
            uploads.append((f"附件{a.position}“{a.title}”", a.upload))
    for label, upload in uploads:
        try:
            file_open_verified(stored_file=upload.stored_file)
        except DomainError:
            reasons.append(f"{label}的存储文件已丢失或被改动（与登记的 SM3 校验值不符）")
    return reasons


def delivery_check(*, delivery: Delivery) -> Verification:
    """Verify the delivery's document now; never raises for a bad document."""
    from wenshu.documents.selectors import package_bytes
    from wenshu.seals.services import seal_verify

    document = delivery.document
    sealed = getattr(document, "sealed", None)
    if sealed is None:
        return Verification(ok=False, reasons=["该公文没有已用印的交换包"])
    data = package_bytes(document=document)
    verdict = verify_package(data, trusted_maker_certs=_trusted_makers())
    reasons = [f"交换包：{r}" for r in verdict.reasons]
    if verdict.digest and verdict.digest != sealed.digest_hex:
        reasons.append("交换包的签章摘要与用印记录不一致")
    seal = seal_verify(signature_der=bytes(sealed.signature_der), digest_hex=sealed.digest_hex)
    if not seal.ok:
        reasons += [f"电子印章：{r}" for r in seal.reasons]
    reasons += _stored_files(document)
    return Verification(
        ok=not reasons,
        reasons=reasons,
        warnings=list(verdict.warnings),
        seal_name=seal.seal_name or verdict.seal_name or "",
        seal_unit=seal.unit_name or "",
        signing_time=seal.signing_time,
        seal_status=seal.seal_status or "",
        seal_note=seal.note,
        seal_id=seal.seal_id,
    )


def delivery_verify(*, actor: User, delivery: Delivery) -> Verification:
    """Opening a delivery: verify it and record the outcome when the status changes
    (待签收 → 已验证 or 验证未通过; a restored document passes again). Signed and returned
    deliveries keep their status: printing checks again each time."""
    require_reader(actor, delivery)
    result = delivery_check(delivery=delivery)
    target = _S.VERIFIED if result.ok else _S.FAILED
    with transaction.atomic():
        row = lock(delivery)
        if row.status == target or row.status in (_S.SIGNED, _S.RETURNED):
            return result
        now = timezone.now()
        row.move_to(target)
        if result.ok and row.verified_at is None:
            row.verified_at = now
        row.save(update_fields=["status", "verified_at"])
        kind = DeliveryEvent.Kind.VERIFIED if result.ok else DeliveryEvent.Kind.VERIFY_FAILED
        event(row, kind, actor=actor, at=now, note=result.summary, data=result.as_dict())
        audit_record(
            actor=actor,
            action=f"exchange.delivery_{kind}",
            target=row,
            unit=row.recipient_unit,
            result="ok" if result.ok else "failed",
            details={"reasons": result.reasons},
        )
    delivery.status, delivery.verified_at = row.status, row.verified_at
    return result
