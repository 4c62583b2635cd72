"""TOTP tokens (RFC 6238: 30 s steps, 6 digits, HMAC-SHA1 as every authenticator app uses).

The secret is never stored in clear. It is wrapped with SM4-GCM (`wenshu.lib.gm.wrap_key`)
under a key-encryption key of its own, derived from the deployment's WENSHU_SEAL_KEK:

    totp_kek = SM3("wenshu/keys/totp-kek/v1" ‖ SEAL_KEK bytes)[:16]

so a TOTP secret and a seal private key never share a wrapping key, and no second secret
has to be deployed. The AAD names the key's serial, so a wrapped secret copied onto another
key record does not unwrap.
"""

from __future__ import annotations

import base64
import hmac
import io
import secrets
import time

import pyotp
import qrcode
from django.conf import settings

from wenshu.lib import gm

STEP_SECONDS = 30
DIGITS = 6
SECRET_BYTES = 20  # 160 bits, the size RFC 4226 recommends
_KDF_LABEL = b"wenshu/keys/totp-kek/v1"


def _kek() -> bytes:
    return gm.sm3(_KDF_LABEL + bytes.fromhex(settings.SEAL_KEK))[:16]


def _aad(serial: str) -> bytes:
    return b"wenshu-login-key-totp:" + serial.encode("utf-8")


def new_secret() -> str:
    """A random 160-bit secret as base32 (the form authenticator apps take)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def valid_secret(secret_b32: str) -> bool:
    """Base32 of at least 128 bits (pyotp itself refuses fewer than 112)."""
    try:
        return len(base64.b32decode(secret_b32, casefold=True)) >= 16
    except (ValueError, TypeError):
        return False


def wrap_secret(secret_b32: str, *, serial: str) -> bytes:
    return gm.wrap_key(_kek(), secret_b32.encode("ascii"), _aad(serial))


def unwrap_secret(wrapped: bytes, *, serial: str) -> str:
    return gm.unwrap_key(_kek(), bytes(wrapped), _aad(serial)).decode("ascii")


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def code_at_step(secret_b32: str, step: int) -> str:
    return pyotp.TOTP(secret_b32, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def matching_step(secret_b32: str, code: str, *, now: float | None = None) -> int | None:
    """The step (current ±1, for clock drift) whose code equals `code`, newest first."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    step = current_step(now)
    for candidate in (step + 1, step, step - 1):
        if hmac.compare_digest(code_at_step(secret_b32, candidate), code):
            return candidate
    return None


def provisioning_uri(secret_b32: str, *, account: str) -> str:
    return pyotp.TOTP(secret_b32, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=settings.WEBAUTHN_RP_NAME
    )


def qr_data_uri(text: str) -> str:
    """A PNG QR code as a data: URI (the CSP allows img-src data:)."""
    image = qrcode.make(text, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
