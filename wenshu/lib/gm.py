"""National cryptography (国密) primitives: SM3 digests, SM2 signatures, SM4-GCM key wrapping.

A thin, typed layer over tongsuopy (Tongsuo, C) so the rest of Wenshu never touches its API
directly. Pure Python: no Django, no database.

SM2 signatures use the default distinguishing identifier ``1234567812345678``
(GB/T 35276 / GM/T 0009); tongsuopy offers no way to change it, so every signature made or
checked here uses it. Signatures are DER ``SEQUENCE { r INTEGER, s INTEGER }``
(GB/T 35276 SM2Signature); `signature_to_raw` / `signature_from_raw` convert to and from
the 64-byte ``r‖s`` form other libraries use.
"""

from __future__ import annotations

import ctypes
import secrets
from typing import TypeAlias

from asn1crypto import algos
from tongsuopy.crypto import exceptions as tongsuo_exceptions
from tongsuopy.crypto import hashes, serialization
from tongsuopy.crypto.asymciphers import ec
from tongsuopy.crypto.ciphers.aead import SM4GCM

__all__ = [
    "SM2_DEFAULT_USER_ID",
    "BadSignature",
    "GmError",
    "PrivateKey",
    "PublicKey",
    "UnwrapError",
    "generate_private_key",
    "private_key_from_der",
    "private_key_from_pem",
    "private_key_to_der",
    "private_key_to_pem",
    "public_key_from_bytes",
    "public_key_to_bytes",
    "secure_zero",
    "sign",
    "signature_from_raw",
    "signature_to_raw",
    "sm3",
    "sm3_hex",
    "unwrap_key",
    "verify",
    "wrap_key",
]

PrivateKey: TypeAlias = ec.EllipticCurvePrivateKey
PublicKey: TypeAlias = ec.EllipticCurvePublicKey

SM2_DEFAULT_USER_ID = b"1234567812345678"
_COORD_LEN = 32  # sm2p256v1 coordinates and scalars are 256 bits
_RAW_PUBLIC_LEN = 2 * _COORD_LEN
_UNCOMPRESSED = b"\x04"

SM4_KEY_LEN = 16
_WRAP_VERSION = b"\x01"
_NONCE_LEN = 12
_TAG_LEN = 16


class GmError(Exception):
    """Base class of every error raised by the national-cryptography layer."""


class BadSignature(GmError):
    """An SM2 signature does not verify (wrong key, altered data or a malformed value)."""


class UnwrapError(GmError):
    """A wrapped key cannot be opened: wrong KEK, wrong AAD, tampered or unknown format."""


# --- SM3 ---------------------------------------------------------------------------------


def sm3(data: bytes) -> bytes:
    """Return the 32-byte SM3 digest of ``data`` (GB/T 32905)."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def sm3_hex(data: bytes) -> str:
    """Return the SM3 digest of ``data`` as 64 lower-case hex characters."""
    return sm3(data).hex()


# --- SM2 keys ----------------------------------------------------------------------------


def generate_private_key() -> PrivateKey:
    """Generate a fresh SM2 (sm2p256v1) private key."""
    return ec.generate_private_key(ec.SM2())


def public_key_to_bytes(key: PublicKey | PrivateKey) -> bytes:
    """Return the 64-byte raw public key ``x‖y`` (no ``04`` prefix) of an SM2 key."""
    public = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    point = public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return point[1:]


def public_key_from_bytes(raw: bytes) -> PublicKey:
    """Load an SM2 public key from 64 bytes ``x‖y`` (or 65 bytes ``04‖x‖y``).

    Raises `GmError` if the bytes are not a point on the SM2 curve.
    """
    if len(raw) == _RAW_PUBLIC_LEN:
        raw = _UNCOMPRESSED + raw
    if len(raw) != _RAW_PUBLIC_LEN + 1 or raw[:1] != _UNCOMPRESSED:
        raise GmError("SM2 public key must be 64 bytes x‖y or 65 bytes 04‖x‖y")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SM2(), raw)
    except (ValueError, tongsuo_exceptions.InternalError) as exc:
        raise GmError("not a point on the SM2 curve") from exc


def private_key_to_pem(key: PrivateKey, password: bytes | None = None) -> bytes:
    """Serialise ``key`` as PKCS#8 PEM, encrypted with ``password`` when one is given."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _encryption(password)
    )


def private_key_to_der(key: PrivateKey, password: bytes | None = None) -> bytes:
    """Serialise ``key`` as PKCS#8 DER, encrypted with ``password`` when one is given."""
    return key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, _encryption(password)
    )


def private_key_from_pem(data: bytes, password: bytes | None = None) -> PrivateKey:
    """Load an SM2 private key from PKCS#8 PEM; `GmError` if it is not one."""
    try:
        key = serialization.load_pem_private_key(data, password)
    except (ValueError, TypeError, tongsuo_exceptions.UnsupportedAlgorithm) as exc:
        raise GmError("cannot load SM2 private key from PEM") from exc
    return _require_sm2(key)


def private_key_from_der(data: bytes, password: bytes | None = None) -> PrivateKey:
    """Load an SM2 private key from PKCS#8 DER; `GmError` if it is not one."""
    try:
        key = serialization.load_der_private_key(data, password)
    except (ValueError, TypeError, tongsuo_exceptions.UnsupportedAlgorithm) as exc:
        raise GmError("cannot load SM2 private key from DER") from exc
    return _require_sm2(key)


def _encryption(password: bytes | None) -> serialization.KeySerializationEncryption:
    if password is None:
        return serialization.NoEncryption()
    return serialization.BestAvailableEncryption(password)


def _require_sm2(key: object) -> PrivateKey:
    # A PKCS#8 file could hold any algorithm; only SM2 keys may sign seals.
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SM2):
        raise GmError("the private key is not an SM2 key")
    return key


# --- SM2 signatures ----------------------------------------------------------------------


def sign(key: PrivateKey, data: bytes) -> bytes:
    """Sign ``data`` with SM2-with-SM3 (default user id); return the DER ``(r, s)`` value.

    ``data`` is the message itself, not its digest: SM2 hashes ``Z_A‖data`` internally.
    """
    return key.sign(data, ec.ECDSA(hashes.SM3()))


def verify(key: PublicKey, signature: bytes, data: bytes) -> None:
    """Check a DER SM2-with-SM3 signature of ``data``; raise `BadSignature` if it fails."""
    try:
        key.verify(signature, data, ec.ECDSA(hashes.SM3()))
    except tongsuo_exceptions.InvalidSignature as exc:
        raise BadSignature("SM2 signature does not verify") from exc
    except (ValueError, TypeError, tongsuo_exceptions.InternalError) as exc:
        # A malformed DER value makes OpenSSL report an error instead of "invalid".
        raise BadSignature("SM2 signature is malformed") from exc


def signature_to_raw(signature: bytes) -> bytes:
    """Convert a DER ``(r, s)`` signature to 64 bytes ``r‖s`` (each 32 bytes, big-endian)."""
    try:
        parsed = algos.DSASignature.load(signature, strict=True)
        r, s = parsed["r"].native, parsed["s"].native
    except ValueError as exc:
        raise BadSignature("SM2 signature is not DER (r, s)") from exc
    if not (0 < r < 1 << 256 and 0 < s < 1 << 256):
        raise BadSignature("SM2 signature component out of range")
    return r.to_bytes(_COORD_LEN, "big") + s.to_bytes(_COORD_LEN, "big")


def signature_from_raw(raw: bytes) -> bytes:
    """Convert a 64-byte ``r‖s`` signature to DER ``SEQUENCE { r, s }``."""
    if len(raw) != 2 * _COORD_LEN:
        raise BadSignature("raw SM2 signature must be 64 bytes r‖s")
    r = int.from_bytes(raw[:_COORD_LEN], "big")
    s = int.from_bytes(raw[_COORD_LEN:], "big")
    return algos.DSASignature({"r": r, "s": s}).dump()


# --- SM4-GCM key wrapping ----------------------------------------------------------------


def wrap_key(kek: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Encrypt key material ``plaintext`` under the 16-byte SM4 key-encryption key ``kek``.

    Format (version 1): ``0x01 ‖ nonce (12 random bytes) ‖ SM4-GCM ciphertext ‖ tag (16)``.
    The version byte is authenticated together with ``aad`` so that the format cannot be
    swapped; ``aad`` should name what the key belongs to (e.g. ``b"seal:42"``) so that a
    wrapped key copied onto another record fails to unwrap.
    """
    _check_kek(kek)
    nonce = secrets.token_bytes(_NONCE_LEN)
    sealed = SM4GCM(kek).encrypt(nonce, plaintext, _WRAP_VERSION + aad)
    return _WRAP_VERSION + nonce + sealed


def unwrap_key(kek: bytes, wrapped: bytes, aad: bytes) -> bytes:
    """Open a value made by `wrap_key`; raise `UnwrapError` on any mismatch or tampering."""
    _check_kek(kek)
    if len(wrapped) < 1 + _NONCE_LEN + _TAG_LEN or wrapped[:1] != _WRAP_VERSION:
        raise UnwrapError("wrapped key has an unknown format or is truncated")
    nonce = wrapped[1 : 1 + _NONCE_LEN]
    try:
        return SM4GCM(kek).decrypt(nonce, wrapped[1 + _NONCE_LEN :], _WRAP_VERSION + aad)
    except tongsuo_exceptions.InvalidTag as exc:
        raise UnwrapError("wrapped key failed authentication (wrong KEK/AAD or tampered)") from exc


def _check_kek(kek: bytes) -> None:
    if len(kek) != SM4_KEY_LEN:
        raise GmError("SM4 key-encryption key must be 16 bytes")


def secure_zero(buffer: bytearray) -> None:
    """Overwrite ``buffer`` in place with zero bytes.

    Best effort: only mutable buffers can be wiped, so keep secrets in a ``bytearray`` for
    as short a time as possible; immutable ``bytes`` copies (and copies made inside
    OpenSSL) are out of reach of any Python code.
    """
    if not isinstance(buffer, bytearray):
        raise TypeError("secure_zero needs a bytearray (bytes cannot be overwritten)")
    if buffer:
        # memset through ctypes writes the existing storage instead of rebinding objects.
        address = (ctypes.c_char * len(buffer)).from_buffer(buffer)
        ctypes.memset(ctypes.addressof(address), 0, len(buffer))
