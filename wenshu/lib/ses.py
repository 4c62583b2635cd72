"""Electronic seals and seal signatures after GB/T 38540-2020 (电子签章数据格式, version 4).

Three operations, all pure (no database):

* `make_seal` — the seal-making authority (制章者) builds an ``SESeal``: the seal's
  properties, picture and the certificate of the one who may use it, signed by the maker.
* `sign_data` — the seal's signer applies the seal to a data hash: an ``SES_Signature``.
* `verify_signature` — checks an ``SES_Signature`` against the data hash and, optionally,
  the trusted maker certificate; returns a `Verdict` with Chinese reasons.

Exactly what is signed (the DER bytes as they appear in the structure):

* maker's signature ``SESeal.signedValue`` = SM2-with-SM3 over the DER of ``SES_SealInfo``
  (the whole ``eSealInfo`` TLV: header, esID, property, picture);
* signer's signature ``SES_Signature.signature`` = SM2-with-SM3 over the DER of
  ``TBS_Sign`` (the whole ``toSign`` TLV: version, the complete SESeal, timeInfo,
  dataHash, propertyInfo).

Both signature values are DER ``SEQUENCE { r, s }`` carried in a BIT STRING; both use the
default SM2 user id ``1234567812345678``. In this deployment the maker certificate is the
self-signed CA of the city seal-making authority (`sm2cert.make_ca`) and every signer
certificate is issued by it (`sm2cert.issue_cert`); `verify_signature` checks that link.

Where public implementations disagree on tagging, ``TBS_Sign.extDatas`` and
``SES_Signature.timeStamp`` follow ofdrw (``[0] EXPLICIT``). Wenshu writes neither.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from asn1crypto import core

from wenshu.lib import gm, sm2cert

__all__ = [
    "CERT_LIST_TYPE_CERTS",
    "CERT_LIST_TYPE_DIGESTS",
    "SEAL_TYPE_ORGANIZATION",
    "SEAL_TYPE_PERSONAL",
    "SES_VERSION",
    "SES_ESPictrueInfo",
    "SES_ESPropertyInfo",
    "SES_Header",
    "SES_Seal",
    "SES_SealInfo",
    "SES_Signature",
    "SESeal",
    "SesError",
    "TBS_Sign",
    "Verdict",
    "make_seal",
    "sign_data",
    "verify_signature",
]

SES_HEADER_ID = "ES"
SES_VERSION = 4
CERT_LIST_TYPE_CERTS = 1  # certList holds the signer certificates themselves
CERT_LIST_TYPE_DIGESTS = 2  # certList holds digests of them (read, never written here)
SEAL_TYPE_ORGANIZATION = 1  # 单位印章
SEAL_TYPE_PERSONAL = 2  # 个人印章
PICTURE_TYPE_PNG = "PNG"
DATA_HASH_LEN = 32  # SM3

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Verdict reasons, shown to clerks as they are.
R_MALFORMED = "签章数据格式无效"
R_DATA_CHANGED = "数据已被改动"
R_BAD_SIGNATURE = "签章签名无效"
R_BAD_SEAL_SIGNATURE = "印章制作签名无效"
R_SIGNER_CERT_INVALID = "签章人证书无效"
R_MAKER_CERT_INVALID = "印章制作者证书无效"
R_MAKER_UNTRUSTED = "印章制作者证书不受信任"
R_SIGNER_NOT_ISSUED_BY_MAKER = "签章人证书不是由制章机构签发"
R_CERT_EXPIRED = "证书不在有效期内"
R_SIGNER_NOT_IN_SEAL = "签名证书不在印章证书列表中"
R_SEAL_EXPIRED = "印章不在有效期内"
R_UNSUPPORTED = "签章数据版本或算法不受支持"


class SesError(gm.GmError):
    """A seal or signature cannot be made as asked; the message is Chinese, for the user."""


# --- ASN.1 structures --------------------------------------------------------------------
# Class names are the ASN.1 type names of GB/T 38540-2020, so the standard can be read
# side by side; field names are the standard's, in snake_case.

_FieldList = list[tuple[Any, ...]]  # asn1crypto's (name, spec[, params]) triples


class ExtData(core.Sequence):
    """``ExtData``: one vendor-defined extension."""

    _fields: ClassVar[_FieldList] = [
        ("extn_id", core.ObjectIdentifier),
        ("critical", core.Boolean, {"default": False}),
        ("extn_value", core.OctetString),
    ]


class ExtensionDatas(core.SequenceOf):
    """``ExtensionDatas ::= SEQUENCE OF ExtData``."""

    _child_spec = ExtData


class SES_Header(core.Sequence):
    """``SES_Header``: id "ES", version 4, vendor id."""

    _fields: ClassVar[_FieldList] = [
        ("id", core.IA5String),
        ("version", core.Integer),
        ("vid", core.IA5String),
    ]


class CertInfoList(core.SequenceOf):
    """``CertInfoList ::= SEQUENCE OF OCTET STRING`` (each a DER certificate)."""

    _child_spec = core.OctetString


class CertDigestObj(core.Sequence):
    """``CertDigestObj``: a digest algorithm name and a certificate digest."""

    _fields: ClassVar[_FieldList] = [("type", core.PrintableString), ("value", core.OctetString)]


class CertDigestList(core.SequenceOf):
    """``CertDigestList ::= SEQUENCE OF CertDigestObj``."""

    _child_spec = CertDigestObj


def _cert_list_spec(info: SES_ESPropertyInfo) -> type[core.Asn1Value]:
    # SES_CertList is an untagged CHOICE of two SEQUENCE OFs: only certListType tells them
    # apart, so the spec is chosen from the preceding field.
    kinds = {CERT_LIST_TYPE_CERTS: CertInfoList, CERT_LIST_TYPE_DIGESTS: CertDigestList}
    return kinds.get(info["cert_list_type"].native, core.Any)


class SES_ESPropertyInfo(core.Sequence):
    """``SES_ESPropertyInfo``: seal type, name, signer certificates, dates."""

    _fields: ClassVar[_FieldList] = [
        ("type", core.Integer),
        ("name", core.UTF8String),
        ("cert_list_type", core.Integer),
        ("cert_list", None),
        ("create_date", core.GeneralizedTime),
        ("valid_start", core.GeneralizedTime),
        ("valid_end", core.GeneralizedTime),
    ]
    _spec_callbacks: ClassVar[dict[str, Any]] = {"cert_list": _cert_list_spec}


class SES_ESPictrueInfo(core.Sequence):
    """``SES_ESPictrueInfo`` (the standard's spelling): image type, data, size in mm."""

    _fields: ClassVar[_FieldList] = [
        ("type", core.IA5String),
        ("data", core.OctetString),
        ("width", core.Integer),
        ("height", core.Integer),
    ]


class SES_SealInfo(core.Sequence):
    """``SES_SealInfo``: what the maker signs."""

    _fields: ClassVar[_FieldList] = [
        ("header", SES_Header),
        ("es_id", core.IA5String),
        ("property", SES_ESPropertyInfo),
        ("picture", SES_ESPictrueInfo),
        ("ext_datas", ExtensionDatas, {"optional": True}),
    ]


class SESeal(core.Sequence):
    """``SESeal``: the seal info, the maker certificate and the maker's signature."""

    _fields: ClassVar[_FieldList] = [
        ("e_seal_info", SES_SealInfo),
        ("cert", core.OctetString),
        ("sign_alg_id", core.ObjectIdentifier),
        ("signed_value", core.OctetBitString),
    ]


SES_Seal = SESeal  # the name GM/T 0031 and most prose use


class TBS_Sign(core.Sequence):
    """``TBS_Sign``: what the signer signs."""

    _fields: ClassVar[_FieldList] = [
        ("version", core.Integer),
        ("eseal", SESeal),
        ("time_info", core.GeneralizedTime),
        ("data_hash", core.OctetBitString),
        ("property_info", core.IA5String),
        ("ext_datas", ExtensionDatas, {"explicit": 0, "optional": True}),
    ]


class SES_Signature(core.Sequence):
    """``SES_Signature``: the signed TBS_Sign with the signer certificate."""

    _fields: ClassVar[_FieldList] = [
        ("to_sign", TBS_Sign),
        ("cert", core.OctetString),
        ("signature_alg_id", core.ObjectIdentifier),
        ("signature", core.OctetBitString),
        ("time_stamp", core.OctetBitString, {"explicit": 0, "optional": True}),
    ]


# --- making a seal -----------------------------------------------------------------------


def make_seal(
    *,
    maker_key: gm.PrivateKey,
    maker_cert_der: bytes,
    es_id: str,
    name: str,
    seal_type: int,
    signer_cert_der: bytes,
    picture_png: bytes,
    width_mm: int,
    height_mm: int,
    valid_start: dt.datetime,
    valid_end: dt.datetime,
    create_date: dt.datetime,
    vendor_id: str = "WENSHU",
) -> bytes:
    """Build and sign an ``SESeal``; return its DER.

    The maker signs (SM2-with-SM3, default user id) exactly the DER encoding of the
    ``SES_SealInfo`` written as the seal's ``eSealInfo`` field. The signer certificate is
    the only entry of ``certList`` (``certListType`` 1). Times are stored in UTC to the
    second. Raises `SesError` on inputs that would make an unusable seal.
    """
    _require_key_matches(maker_key, maker_cert_der, "制章者私钥与制章者证书不匹配")
    _require_cert(signer_cert_der, "签章人证书无效")
    if valid_end <= valid_start:
        raise SesError("印章有效期的结束时间必须晚于开始时间")
    info = SES_SealInfo(
        {
            "header": {"id": SES_HEADER_ID, "version": SES_VERSION, "vid": _ia5(vendor_id)},
            "es_id": _ia5(es_id),
            "property": _property_info(
                name, seal_type, signer_cert_der, (create_date, valid_start, valid_end)
            ),
            "picture": _picture_info(picture_png, width_mm, height_mm),
        }
    )
    seal = SESeal(
        {
            "e_seal_info": info,
            "cert": maker_cert_der,
            "sign_alg_id": sm2cert.SM2_WITH_SM3_OID,
            "signed_value": gm.sign(maker_key, info.dump()),
        }
    )
    return bytes(seal.dump())


def _property_info(
    name: str, seal_type: int, signer_cert_der: bytes, dates: tuple[dt.datetime, ...]
) -> SES_ESPropertyInfo:
    if not name.strip():
        raise SesError("印章名称不能为空")
    create_date, valid_start, valid_end = (_gtime(value) for value in dates)
    return SES_ESPropertyInfo(
        {
            "type": seal_type,
            "name": name,
            "cert_list_type": CERT_LIST_TYPE_CERTS,
            "cert_list": CertInfoList([signer_cert_der]),
            "create_date": create_date,
            "valid_start": valid_start,
            "valid_end": valid_end,
        }
    )


def _picture_info(picture_png: bytes, width_mm: int, height_mm: int) -> SES_ESPictrueInfo:
    if not picture_png.startswith(_PNG_MAGIC):
        raise SesError("印章图片必须是 PNG 格式")
    if width_mm <= 0 or height_mm <= 0:
        raise SesError("印章图片尺寸必须大于零")
    return SES_ESPictrueInfo(
        {"type": PICTURE_TYPE_PNG, "data": picture_png, "width": width_mm, "height": height_mm}
    )


# --- signing -----------------------------------------------------------------------------


def sign_data(
    *,
    seal_der: bytes,
    signer_key: gm.PrivateKey,
    signer_cert_der: bytes,
    data_hash: bytes,
    property_info: str,
    time: dt.datetime,
) -> bytes:
    """Apply the seal to ``data_hash`` (the 32-byte SM3 digest of the document); return the
    DER ``SES_Signature``.

    The signer signs (SM2-with-SM3, default user id) exactly the DER encoding of the
    ``TBS_Sign`` written as the signature's ``toSign`` field; the seal inside it is copied
    byte for byte from ``seal_der``. ``property_info`` (ASCII) says what was signed, e.g.
    a document id and the protected range. Raises `SesError` instead of producing a
    signature that `verify_signature` would reject for reasons known now.
    """
    seal = _load(SESeal, seal_der)
    if len(data_hash) != DATA_HASH_LEN:
        raise SesError("原文杂凑值必须是 32 字节的 SM3 值")
    _require_key_matches(signer_key, signer_cert_der, "签章人私钥与签章人证书不匹配")
    _require_signable(seal, signer_cert_der, _gtime(time))
    tbs = TBS_Sign(
        {
            "version": SES_VERSION,
            "eseal": seal,
            "time_info": _gtime(time),
            "data_hash": data_hash,
            "property_info": _ia5(property_info),
        }
    )
    signature = SES_Signature(
        {
            "to_sign": tbs,
            "cert": signer_cert_der,
            "signature_alg_id": sm2cert.SM2_WITH_SM3_OID,
            "signature": gm.sign(signer_key, tbs.dump()),
        }
    )
    return bytes(signature.dump())


def _require_signable(seal: SESeal, signer_cert_der: bytes, when: dt.datetime) -> None:
    if _seal_signature_reasons(seal):
        raise SesError(R_BAD_SEAL_SIGNATURE)
    prop = seal["e_seal_info"]["property"]
    if signer_cert_der not in _seal_certs(prop):
        raise SesError(R_SIGNER_NOT_IN_SEAL)
    if not prop["valid_start"].native <= when <= prop["valid_end"].native:
        raise SesError(R_SEAL_EXPIRED)
    if not sm2cert.is_valid_at(signer_cert_der, when):
        raise SesError("签章人" + R_CERT_EXPIRED)


# --- verifying ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The outcome of `verify_signature`.

    ``ok`` is true only when ``reasons`` is empty. The parsed fields are ``None`` when the
    signature could not be parsed at all; otherwise they are filled even for a failed
    verdict, so a page can show what the signature claims next to why it is refused.
    The seal's own status (destroyed, suspended) is not known here: the caller adds it.
    """

    ok: bool
    reasons: list[str] = field(default_factory=list)
    es_id: str | None = None
    seal_name: str | None = None
    seal_type: int | None = None
    seal_valid_start: dt.datetime | None = None
    seal_valid_end: dt.datetime | None = None
    signing_time: dt.datetime | None = None
    property_info: str | None = None
    signer_cert_der: bytes | None = None
    maker_cert_der: bytes | None = None
    picture: bytes | None = None
    picture_type: str | None = None
    picture_size_mm: tuple[int, int] | None = None


def verify_signature(
    signature_der: bytes, *, data_hash: bytes, maker_cert_der: bytes | None = None
) -> Verdict:
    """Verify an ``SES_Signature`` over ``data_hash``.

    ``maker_cert_der`` is the trusted certificate of the seal-making authority; without it
    only the internal consistency of the signature is checked (anyone can make a seal that
    is consistent with itself), so production callers always pass it.
    """
    try:
        signature = _load(SES_Signature, signature_der)
    except SesError:
        return Verdict(ok=False, reasons=[R_MALFORMED])
    reasons: list[str] = []
    for check in _CHECKS:
        reasons.extend(check(signature, data_hash, maker_cert_der))
    reasons = list(dict.fromkeys(reasons))  # one failure can show in several checks
    return _verdict(signature, reasons)


_Check = Callable[[SES_Signature, bytes, bytes | None], list[str]]


def _check_format(sig: SES_Signature, _hash: bytes, _maker: bytes | None) -> list[str]:
    seal = sig["to_sign"]["eseal"]
    header = seal["e_seal_info"]["header"]
    supported = (
        header["id"].native == SES_HEADER_ID
        and header["version"].native == SES_VERSION
        and sig["to_sign"]["version"].native == SES_VERSION
        and sig["signature_alg_id"].dotted == sm2cert.SM2_WITH_SM3_OID
        and seal["sign_alg_id"].dotted == sm2cert.SM2_WITH_SM3_OID
    )
    return [] if supported else [R_UNSUPPORTED]


def _check_data_hash(sig: SES_Signature, data_hash: bytes, _maker: bytes | None) -> list[str]:
    signed_hash = bytes(sig["to_sign"]["data_hash"].native)
    return [] if hmac.compare_digest(signed_hash, data_hash) else [R_DATA_CHANGED]


def _check_signer_signature(sig: SES_Signature, _hash: bytes, _maker: bytes | None) -> list[str]:
    return _signature_reasons(
        cert_der=bytes(sig["cert"].native),
        signature=bytes(sig["signature"].native),
        signed=sig["to_sign"].dump(),  # the bytes as received, never re-encoded
        reasons=(R_SIGNER_CERT_INVALID, R_BAD_SIGNATURE),
    )


def _check_seal_signature(sig: SES_Signature, _hash: bytes, _maker: bytes | None) -> list[str]:
    return _seal_signature_reasons(sig["to_sign"]["eseal"])


def _seal_signature_reasons(seal: SESeal) -> list[str]:
    return _signature_reasons(
        cert_der=bytes(seal["cert"].native),
        signature=bytes(seal["signed_value"].native),
        signed=seal["e_seal_info"].dump(),
        reasons=(R_MAKER_CERT_INVALID, R_BAD_SEAL_SIGNATURE),
    )


def _signature_reasons(
    *, cert_der: bytes, signature: bytes, signed: bytes, reasons: tuple[str, str]
) -> list[str]:
    cert_reason, signature_reason = reasons
    try:
        public_key = sm2cert.cert_public_key(cert_der)
    except gm.GmError:
        return [cert_reason, signature_reason]
    try:
        gm.verify(public_key, signature, signed)
    except gm.BadSignature:
        return [signature_reason]
    return []


def _check_maker(sig: SES_Signature, _hash: bytes, trusted: bytes | None) -> list[str]:
    maker_der = bytes(sig["to_sign"]["eseal"]["cert"].native)
    if trusted is not None and not hmac.compare_digest(maker_der, trusted):
        return [R_MAKER_UNTRUSTED]
    return []


def _check_signer_in_seal(sig: SES_Signature, _hash: bytes, _maker: bytes | None) -> list[str]:
    prop = sig["to_sign"]["eseal"]["e_seal_info"]["property"]
    return [] if bytes(sig["cert"].native) in _seal_certs(prop) else [R_SIGNER_NOT_IN_SEAL]


def _check_signer_issuer(sig: SES_Signature, _hash: bytes, _maker: bytes | None) -> list[str]:
    maker_der = bytes(sig["to_sign"]["eseal"]["cert"].native)
    try:
        sm2cert.verify_cert(bytes(sig["cert"].native), maker_der)
    except gm.GmError:
        return [R_SIGNER_NOT_ISSUED_BY_MAKER]
    return []


def _check_times(sig: SES_Signature, _hash: bytes, _maker: bytes | None) -> list[str]:
    when = sig["to_sign"]["time_info"].native
    prop = sig["to_sign"]["eseal"]["e_seal_info"]["property"]
    reasons = []
    try:
        if not sm2cert.is_valid_at(bytes(sig["cert"].native), when):
            reasons.append(R_CERT_EXPIRED)
    except gm.GmError:
        reasons.append(R_SIGNER_CERT_INVALID)
    if not prop["valid_start"].native <= when <= prop["valid_end"].native:
        reasons.append(R_SEAL_EXPIRED)
    return reasons


_CHECKS: tuple[_Check, ...] = (
    _check_format,
    _check_data_hash,
    _check_signer_signature,
    _check_seal_signature,
    _check_maker,
    _check_signer_in_seal,
    _check_signer_issuer,
    _check_times,
)


def _verdict(sig: SES_Signature, reasons: list[str]) -> Verdict:
    tbs = sig["to_sign"]
    seal = tbs["eseal"]
    info = seal["e_seal_info"]
    prop, picture = info["property"], info["picture"]
    return Verdict(
        ok=not reasons,
        reasons=reasons,
        es_id=info["es_id"].native,
        seal_name=prop["name"].native,
        seal_type=prop["type"].native,
        seal_valid_start=prop["valid_start"].native,
        seal_valid_end=prop["valid_end"].native,
        signing_time=tbs["time_info"].native,
        property_info=tbs["property_info"].native,
        signer_cert_der=bytes(sig["cert"].native),
        maker_cert_der=bytes(seal["cert"].native),
        picture=bytes(picture["data"].native),
        picture_type=picture["type"].native,
        picture_size_mm=(picture["width"].native, picture["height"].native),
    )


# --- helpers -----------------------------------------------------------------------------

_SeqT = TypeVar("_SeqT", bound=core.Sequence)


def _load(spec: type[_SeqT], der: bytes) -> _SeqT:
    """Parse ``der`` completely (asn1crypto is lazy) or raise `SesError`."""
    try:
        value = spec.load(der, strict=True)
        _ = value.native  # force the full parse now, where errors are expected
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise SesError(R_MALFORMED) from exc
    return value


def _seal_certs(prop: SES_ESPropertyInfo) -> list[bytes]:
    if prop["cert_list_type"].native != CERT_LIST_TYPE_CERTS:
        return []  # digest lists are not issued by Wenshu's seal-making authority
    return [bytes(cert.native) for cert in prop["cert_list"]]


def _require_key_matches(key: gm.PrivateKey, cert_der: bytes, message: str) -> None:
    cert_key = _require_cert(cert_der, message)
    if gm.public_key_to_bytes(cert_key) != gm.public_key_to_bytes(key):
        raise SesError(message)


def _require_cert(cert_der: bytes, message: str) -> gm.PublicKey:
    try:
        return sm2cert.cert_public_key(cert_der)
    except gm.GmError as exc:
        raise SesError(message) from exc


def _gtime(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise SesError("时间必须带时区")
    # DER GeneralizedTime: UTC, and whole seconds so that the encoding stays canonical.
    return value.astimezone(dt.UTC).replace(microsecond=0)


def _ia5(text: str) -> str:
    if not text.isascii():
        raise SesError(f"只能使用 ASCII 字符：{text}")
    return text
