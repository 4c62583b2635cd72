"""Verifying a seal signature (article 18: verify before printing) against Wenshu's registry.

`lib.ses.verify_signature` checks the GB/T 38540 structure and both SM2 signatures; here the
embedded maker certificate must be one of our seal-making authorities, the seal must be in
our registry byte for byte, and the seal must not have been destroyed, suspended or handed
back before the signing time. A seal destroyed later leaves its old signatures valid, with a
note saying when.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from wenshu.lib import ses, sm2cert
from wenshu.seals.models import Seal, SealMaker
from wenshu.seals.services.use import normalise_digest

V_OK = "有效"
V_DATA_CHANGED = "数据已被改动"
V_UNKNOWN_SEAL = "未知印章"
V_SEAL_DEAD = "签章时印章已销毁或已挂失"
V_SEAL_RETIRED = "签章时印章已交回停用"
V_CERT_EXPIRED = "证书不在有效期内"
V_BAD_SIGNATURE = "签名无效"

_MAP = {
    ses.R_MALFORMED: V_BAD_SIGNATURE,
    ses.R_UNSUPPORTED: V_BAD_SIGNATURE,
    ses.R_DATA_CHANGED: V_DATA_CHANGED,
    ses.R_BAD_SIGNATURE: V_BAD_SIGNATURE,
    ses.R_SIGNER_CERT_INVALID: V_BAD_SIGNATURE,
    ses.R_SIGNER_NOT_IN_SEAL: V_BAD_SIGNATURE,
    ses.R_SIGNER_NOT_ISSUED_BY_MAKER: V_BAD_SIGNATURE,
    ses.R_BAD_SEAL_SIGNATURE: V_UNKNOWN_SEAL,
    ses.R_MAKER_CERT_INVALID: V_UNKNOWN_SEAL,
    ses.R_MAKER_UNTRUSTED: V_UNKNOWN_SEAL,
    ses.R_CERT_EXPIRED: V_CERT_EXPIRED,
    ses.R_SEAL_EXPIRED: V_CERT_EXPIRED,
}


@dataclass(frozen=True)
class SealVerdict:
    """`reasons` is ["有效"] when ok, else the failed checks in the terms clerks know;
    `details` names each failed technical check; `note` tells what happened to the seal
    after a valid signing."""

    ok: bool
    reasons: list[str]
    details: list[str] = field(default_factory=list)
    note: str = ""
    es_id: str | None = None
    seal_id: int | None = None
    seal_name: str | None = None
    unit_name: str | None = None
    signing_time: datetime | None = None
    seal_status: str | None = None

    @property
    def summary(self) -> str:
        return "；".join(self.reasons)


def _trusted_maker(maker_der: bytes | None) -> SealMaker | None:
    if maker_der is None:
        return None
    makers = SealMaker.objects.only("id", "cert_der")  # never the wrapped key
    return next((m for m in makers if bytes(m.cert_der) == maker_der), None)


def _embedded(signature_der: bytes) -> tuple[bytes, bytes] | None:
    """(maker certificate, whole SES_Seal) as carried in the signature; None if unreadable."""
    try:
        seal = ses.SES_Signature.load(signature_der, strict=True)["to_sign"]["eseal"]
        return bytes(seal["cert"].native), bytes(seal.dump())
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _registry_seal(es_id: str | None, seal_der: bytes) -> Seal | None:
    seal = (
        Seal.objects.select_related("unit")
        .defer("wrapped_key", "picture_png", "signer_cert_der")
        .filter(es_id=es_id or "")
        .first()
    )
    if seal is None or bytes(seal.seal_der) != seal_der:
        return None
    return seal


def _local(when: datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M")


def _status_reasons(seal: Seal, signed: datetime) -> tuple[list[str], list[str]]:
    """(reasons, details) for a seal stopped before `signed`."""
    if seal.destroyed_at and seal.destroyed_at <= signed:
        return [V_SEAL_DEAD], [f"印章已于 {_local(seal.destroyed_at)} 销毁"]
    if seal.suspended_at and seal.suspended_at <= signed:
        return [V_SEAL_DEAD], [f"印章已于 {_local(seal.suspended_at)} 挂失停用"]
    if seal.retired_at and seal.retired_at <= signed:
        return [V_SEAL_RETIRED], [f"印章已于 {_local(seal.retired_at)} 交回停用"]
    return [], []


def _later_note(seal: Seal) -> str:
    if seal.destroyed_at:
        return f"该印章已于 {_local(seal.destroyed_at)} 销毁，签章时有效"
    if seal.suspended_at:
        return f"该印章已于 {_local(seal.suspended_at)} 挂失停用，签章时有效"
    if seal.retired_at:
        return f"该印章已于 {_local(seal.retired_at)} 交回停用，签章时有效"
    return ""


def seal_verify(*, signature_der: bytes, digest_hex: str) -> SealVerdict:
    """Verify a seal signature over the SM3 digest of the data (hex)."""
    digest = bytes.fromhex(normalise_digest(digest_hex))
    embedded = _embedded(signature_der)
    if embedded is None:
        return SealVerdict(ok=False, reasons=[V_BAD_SIGNATURE], details=[ses.R_MALFORMED])
    maker = _trusted_maker(embedded[0])
    verdict = ses.verify_signature(
        signature_der, data_hash=digest, maker_cert_der=bytes(maker.cert_der) if maker else None
    )
    if verdict.es_id is None:
        return SealVerdict(ok=False, reasons=[V_BAD_SIGNATURE], details=list(verdict.reasons))
    reasons = [_MAP.get(r, V_BAD_SIGNATURE) for r in verdict.reasons]
    details = list(verdict.reasons)
    seal = _registry_seal(verdict.es_id, embedded[1]) if maker else None
    signed = verdict.signing_time
    if seal is None or maker is None:
        reasons.append(V_UNKNOWN_SEAL)
        details.append("印章不在本系统的印章登记中，或制章机构不受信任")
    elif signed is not None:
        if not sm2cert.is_valid_at(bytes(maker.cert_der), signed):
            reasons.append(V_CERT_EXPIRED)
            details.append("制章机构证书在签章时不在有效期内")
        more, why = _status_reasons(seal, signed)
        reasons, details = reasons + more, details + why
    reasons = list(dict.fromkeys(reasons))
    ok = not reasons
    return SealVerdict(
        ok=ok,
        reasons=[V_OK] if ok else reasons,
        details=details,
        note=_later_note(seal) if ok and seal else "",
        es_id=verdict.es_id,
        seal_id=seal.pk if seal else None,
        seal_name=verdict.seal_name,
        unit_name=seal.unit.name_at(signed) if seal and signed else None,
        signing_time=signed,
        seal_status=seal.get_status_display() if seal else None,
    )
