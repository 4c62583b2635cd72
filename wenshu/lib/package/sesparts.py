"""Pieces of a GB/T 38540 ``SES_Signature`` the package layer needs, read without judging.

`ses.verify_signature` is the judge; these only pull out the embedded seal and maker
certificate (byte for byte, as received) so they can be compared with seal.der and with
the caller's trusted certificates.
"""

from __future__ import annotations

from wenshu.lib import ses

__all__ = ["embedded_maker_cert", "embedded_seal"]

_PARSE_ERRORS = (ValueError, TypeError, KeyError, AttributeError)


def embedded_seal(signature_der: bytes) -> bytes | None:
    """The DER of the ``SESeal`` inside ``TBS_Sign``, or None if it cannot be parsed."""
    try:
        seal = ses.SES_Signature.load(signature_der, strict=True)["to_sign"]["eseal"]
        _ = seal.native  # asn1crypto parses lazily: force it where errors are expected
        return bytes(seal.dump())
    except _PARSE_ERRORS:
        return None


def embedded_maker_cert(signature_der: bytes) -> bytes | None:
    """The maker (制章者) certificate inside the embedded seal, or None."""
    seal_der = embedded_seal(signature_der)
    if seal_der is None:
        return None
    try:
        return bytes(ses.SESeal.load(seal_der, strict=True)["cert"].native)
    except _PARSE_ERRORS:
        return None
