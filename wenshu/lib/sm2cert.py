"""X.509 v3 certificates with SM2 keys (GM/T 0015), built with asn1crypto, signed with gm.

tongsuopy has no certificate builder, so the TBSCertificate is assembled here and its DER
bytes are signed with SM2-with-SM3 (default user id). Two profiles are issued:

* `make_ca` — the self-signed root of the city seal-making authority (制章机构):
  basicConstraints CA (path length 0), keyUsage keyCertSign + cRLSign.
* `issue_cert` — one end-entity signing certificate per electronic seal:
  basicConstraints not CA, keyUsage digitalSignature + nonRepudiation.

OIDs are written as raw dotted strings (asn1crypto does not know them by name, and
registering names would change a process-wide table for every other user of asn1crypto).
Names use UTF8String for every attribute except countryName (RFC 5280).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from asn1crypto import keys, x509

from wenshu.lib import gm

__all__ = [
    "EC_PUBLIC_KEY_OID",
    "SM2_CURVE_OID",
    "SM2_WITH_SM3_OID",
    "CertError",
    "CertInfo",
    "cert_public_key",
    "cert_validity",
    "is_valid_at",
    "issue_cert",
    "load_cert",
    "make_ca",
    "read_cert",
    "verify_cert",
]

EC_PUBLIC_KEY_OID = "1.2.840.10045.2.1"
SM2_CURVE_OID = "1.2.156.10197.1.301"
SM2_WITH_SM3_OID = "1.2.156.10197.1.501"

_UTC_TIME_LIMIT = 2050  # RFC 5280: UTCTime through 2049, GeneralizedTime from 2050
_KEY_ID_LEN = 20


class CertError(gm.GmError):
    """A certificate is malformed, not SM2/SM3, or cannot play the role asked of it."""


@dataclass(frozen=True)
class CertInfo:
    """What a page or a verdict needs to show about a certificate."""

    subject_cn: str
    subject_org: str
    issuer_cn: str
    serial: int
    not_before: dt.datetime
    not_after: dt.datetime
    is_ca: bool
    public_key: bytes  # 64 bytes x‖y


# --- issuing -----------------------------------------------------------------------------


def make_ca(
    *,
    key: gm.PrivateKey,
    common_name: str,
    organization: str,
    not_before: dt.datetime,
    not_after: dt.datetime,
    serial: int | None = None,
) -> bytes:
    """Issue the self-signed CA certificate of the seal-making authority; return its DER."""
    name = _name(common_name, organization)
    key_id = _key_id(key.public_key())
    tbs = _tbs(
        subject=name,
        issuer=name,
        public_key=key.public_key(),
        validity=(not_before, not_after),
        serial=serial,
        extensions=_ca_extensions(key_id),
    )
    return _sign_tbs(tbs, key)


def issue_cert(
    *,
    issuer_key: gm.PrivateKey,
    issuer_cert_der: bytes,
    subject_public_key: gm.PublicKey,
    common_name: str,
    organization: str,
    not_before: dt.datetime,
    not_after: dt.datetime,
    serial: int | None = None,
) -> bytes:
    """Issue an end-entity SM2 signing certificate (one per seal) under ``issuer_cert_der``.

    Raises `CertError` if the issuer certificate is not a CA or does not match ``issuer_key``.
    """
    issuer = load_cert(issuer_cert_der)
    _require_ca(issuer)
    if gm.public_key_to_bytes(issuer_key) != _raw_public_key(issuer):
        raise CertError("issuer key does not match the issuer certificate")
    tbs = _tbs(
        subject=_name(common_name, organization),
        issuer=issuer.subject,
        public_key=subject_public_key,
        validity=(not_before, not_after),
        serial=serial,
        extensions=_end_entity_extensions(
            _key_id(subject_public_key), _key_id(issuer_key.public_key())
        ),
    )
    return _sign_tbs(tbs, issuer_key)


def _tbs(
    *,
    subject: x509.Name,
    issuer: x509.Name,
    public_key: gm.PublicKey,
    validity: tuple[dt.datetime, dt.datetime],
    serial: int | None,
    extensions: list[x509.Extension],
) -> x509.TbsCertificate:
    not_before, not_after = validity
    if not_after <= not_before:
        raise CertError("certificate validity must end after it starts")
    return x509.TbsCertificate(
        {
            "version": "v3",
            "serial_number": serial if serial is not None else _random_serial(),
            "signature": {"algorithm": SM2_WITH_SM3_OID},
            "issuer": issuer,
            "validity": {"not_before": _time(not_before), "not_after": _time(not_after)},
            "subject": subject,
            "subject_public_key_info": _public_key_info(public_key),
            "extensions": extensions,
        }
    )


def _sign_tbs(tbs: x509.TbsCertificate, key: gm.PrivateKey) -> bytes:
    signature = gm.sign(key, tbs.dump())
    cert = x509.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": {"algorithm": SM2_WITH_SM3_OID},
            "signature_value": signature,
        }
    )
    return bytes(cert.dump())


def _name(common_name: str, organization: str) -> x509.Name:
    if not common_name.strip() or not organization.strip():
        raise CertError("certificate names need a common name and an organization")
    return x509.Name.build(
        {"country_name": "CN", "organization_name": organization, "common_name": common_name}
    )


def _public_key_info(public_key: gm.PublicKey) -> keys.PublicKeyInfo:
    point = b"\x04" + gm.public_key_to_bytes(public_key)
    return keys.PublicKeyInfo(
        {
            "algorithm": {
                "algorithm": EC_PUBLIC_KEY_OID,
                "parameters": keys.ECDomainParameters("named", SM2_CURVE_OID),
            },
            "public_key": point,
        }
    )


def _time(value: dt.datetime) -> x509.Time:
    if value.tzinfo is None:
        raise CertError("certificate times must be timezone-aware")
    # DER times carry whole seconds; fractions would make the encoding non-canonical.
    value = value.astimezone(dt.UTC).replace(microsecond=0)
    if value.year < _UTC_TIME_LIMIT:
        return x509.Time({"utc_time": value})
    return x509.Time({"general_time": value})


def _random_serial() -> int:
    # Positive and at most 20 octets (RFC 5280); 120 random bits make collisions moot.
    return secrets.randbits(120) | 1 << 119


def _key_id(public_key: gm.PublicKey) -> bytes:
    # RFC 5280 leaves the method open; an SM3 digest keeps the whole stack national.
    return gm.sm3(b"\x04" + gm.public_key_to_bytes(public_key))[:_KEY_ID_LEN]


def _ca_extensions(key_id: bytes) -> list[x509.Extension]:
    return [
        _extension("basic_constraints", {"ca": True, "path_len_constraint": 0}, critical=True),
        _extension("key_usage", {"key_cert_sign", "crl_sign"}, critical=True),
        _extension("key_identifier", key_id),
    ]


def _end_entity_extensions(key_id: bytes, issuer_key_id: bytes) -> list[x509.Extension]:
    return [
        _extension("basic_constraints", {"ca": False}, critical=True),
        _extension("key_usage", {"digital_signature", "non_repudiation"}, critical=True),
        _extension("key_identifier", key_id),
        _extension("authority_key_identifier", {"key_identifier": issuer_key_id}),
    ]


def _extension(extn_id: str, value: object, *, critical: bool = False) -> x509.Extension:
    return x509.Extension({"extn_id": extn_id, "critical": critical, "extn_value": value})


# --- reading and verifying ---------------------------------------------------------------


def load_cert(der: bytes) -> x509.Certificate:
    """Parse an SM2/SM3 certificate; raise `CertError` if it is malformed or not SM2.

    Parsing is forced here (asn1crypto is lazy) so that later reads cannot fail midway.
    """
    try:
        cert = x509.Certificate.load(der, strict=True)
        _ = cert.native  # force the full parse now, where errors are expected
    except (ValueError, TypeError, KeyError) as exc:
        raise CertError("certificate is not valid DER X.509") from exc
    _require_sm2(cert)
    return cert


def _require_sm2(cert: x509.Certificate) -> None:
    outer = cert["signature_algorithm"]["algorithm"].dotted
    inner = cert["tbs_certificate"]["signature"]["algorithm"].dotted
    if outer != SM2_WITH_SM3_OID or inner != SM2_WITH_SM3_OID:
        raise CertError("certificate is not signed with SM2-with-SM3")
    spki = cert["tbs_certificate"]["subject_public_key_info"]
    algorithm = spki["algorithm"]
    if algorithm["algorithm"].dotted != EC_PUBLIC_KEY_OID:
        raise CertError("certificate key is not an elliptic-curve key")
    parameters = algorithm["parameters"]
    if parameters.name != "named" or parameters.chosen.dotted != SM2_CURVE_OID:
        raise CertError("certificate key is not on the SM2 curve")


def _raw_public_key(cert: x509.Certificate) -> bytes:
    point = bytes(cert["tbs_certificate"]["subject_public_key_info"]["public_key"].native)
    if len(point) != 65 or point[0] != 4:
        raise CertError("certificate public key is not an uncompressed SM2 point")
    return point[1:]


def cert_public_key(der: bytes) -> gm.PublicKey:
    """Return the SM2 public key of a certificate; `CertError` if there is none."""
    try:
        return gm.public_key_from_bytes(_raw_public_key(load_cert(der)))
    except CertError:
        raise
    except gm.GmError as exc:
        raise CertError("certificate public key is not on the SM2 curve") from exc


def cert_validity(der: bytes) -> tuple[dt.datetime, dt.datetime]:
    """Return ``(not_before, not_after)`` of a certificate, as aware UTC datetimes."""
    validity = load_cert(der)["tbs_certificate"]["validity"]
    return validity["not_before"].native, validity["not_after"].native


def is_valid_at(der: bytes, when: dt.datetime) -> bool:
    """Tell whether ``when`` (aware) lies within the certificate's validity, ends included."""
    not_before, not_after = cert_validity(der)
    return not_before <= when <= not_after


def read_cert(der: bytes) -> CertInfo:
    """Summarise a certificate for display and checks."""
    cert = load_cert(der)
    subject = cert.subject.native
    return CertInfo(
        subject_cn=subject.get("common_name", ""),
        subject_org=subject.get("organization_name", ""),
        issuer_cn=cert.issuer.native.get("common_name", ""),
        serial=cert.serial_number,
        not_before=cert["tbs_certificate"]["validity"]["not_before"].native,
        not_after=cert["tbs_certificate"]["validity"]["not_after"].native,
        is_ca=bool(cert.ca),
        public_key=_raw_public_key(cert),
    )


def verify_cert(cert_der: bytes, issuer_cert_der: bytes) -> None:
    """Check that ``issuer_cert_der`` (a CA) signed ``cert_der``.

    Raises `gm.BadSignature` if the signature does not verify and `CertError` if either
    certificate is malformed, the issuer is not a CA, or the names do not chain. Validity
    periods are not checked here: the caller knows which moment matters.
    """
    cert, issuer = load_cert(cert_der), load_cert(issuer_cert_der)
    _require_ca(issuer)
    if cert.issuer != issuer.subject:
        raise CertError("certificate was not issued under this issuer's name")
    issuer_key = cert_public_key(issuer_cert_der)
    tbs = cert["tbs_certificate"].dump()  # the bytes as received, not re-encoded
    gm.verify(issuer_key, bytes(cert["signature_value"].native), tbs)


def _require_ca(cert: x509.Certificate) -> None:
    usage = cert.key_usage_value
    if not cert.ca or (usage is not None and "key_cert_sign" not in usage.native):
        raise CertError("issuer certificate is not a CA allowed to sign certificates")
