"""WebAuthn ceremonies: options for the browser, the challenge kept in the session, and the
checks on a response that deserve their own message before the `webauthn` library verifies
the signature. The relying party comes from settings (WEBAUTHN_RP_ID / _RP_NAME / _ORIGIN).

A challenge is single use: it is removed from the session the moment a response is checked,
whatever the outcome, so a replayed response finds no challenge (or another one) to match.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from webauthn import generate_authentication_options, generate_registration_options
from webauthn.helpers import bytes_to_base64url, options_to_json, parse_client_data_json
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from wenshu.lib.errors import DomainError

CHALLENGE_SESSION_KEY = "wenshu_keys_challenge"
CHALLENGE_MAX_SECONDS = 180  # generous: a holder may take a while to find and touch the key
TIMEOUT_MS = 120_000


class CeremonyRefused(DomainError):
    """A WebAuthn response refused; `reason` is a short code for the audit log."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, code="key_refused")
        self.reason = reason


@dataclass(frozen=True)
class ClientCheck:
    credential: dict[str, Any]
    credential_id: str
    challenge: bytes


def descriptors(keys: Iterable[Any]) -> list[PublicKeyCredentialDescriptor]:
    out = []
    for key in keys:
        transports = []
        for value in key.transports or []:
            try:
                transports.append(AuthenticatorTransport(value))
            except ValueError:
                continue
        out.append(
            PublicKeyCredentialDescriptor(
                id=_b64decode(key.credential_id), transports=transports or None
            )
        )
    return out


def registration_options(
    session: MutableMapping[str, Any],
    *,
    purpose: str,
    user_handle: bytes,
    user_name: str,
    display_name: str,
    exclude: Iterable[Any],
) -> dict[str, Any]:
    options = generate_registration_options(
        rp_id=settings.WEBAUTHN_RP_ID,
        rp_name=settings.WEBAUTHN_RP_NAME,
        user_id=user_handle,
        user_name=user_name,
        user_display_name=display_name,
        challenge=secrets.token_bytes(32),
        timeout=TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=descriptors(exclude),
    )
    _remember(session, purpose, options.challenge)
    return dict(json.loads(options_to_json(options)))


def authentication_options(
    session: MutableMapping[str, Any], *, purpose: str, keys: Iterable[Any]
) -> dict[str, Any]:
    options = generate_authentication_options(
        rp_id=settings.WEBAUTHN_RP_ID,
        challenge=secrets.token_bytes(32),
        timeout=TIMEOUT_MS,
        allow_credentials=descriptors(keys),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _remember(session, purpose, options.challenge)
    return dict(json.loads(options_to_json(options)))


def _remember(session: MutableMapping[str, Any], purpose: str, challenge: bytes) -> None:
    session[CHALLENGE_SESSION_KEY] = {
        "purpose": purpose,
        "challenge": bytes_to_base64url(challenge),
        "at": time.time(),
    }


def take_challenge(session: MutableMapping[str, Any], *, purpose: str) -> bytes:
    """Remove and return the pending challenge for `purpose`; refuse a missing or old one."""
    stored = session.pop(CHALLENGE_SESSION_KEY, None)
    if not isinstance(stored, dict) or stored.get("purpose") != purpose:
        raise CeremonyRefused(
            "本次验证请求不存在或已使用过（请勿重复提交旧的应答），请重新操作。",
            reason="no_challenge",
        )
    if time.time() - float(stored.get("at", 0)) > CHALLENGE_MAX_SECONDS:
        raise CeremonyRefused(
            f"验证请求已超时（须在 {CHALLENGE_MAX_SECONDS // 60} 分钟内完成），请重新操作。",
            reason="challenge_expired",
        )
    return _b64decode(str(stored["challenge"]))


def check_client_data(credential: Any, *, expected_challenge: bytes, ceremony: str) -> ClientCheck:
    """Checks that get a precise message: shape, ceremony type, challenge and origin."""
    if isinstance(credential, str):
        try:
            credential = json.loads(credential)
        except ValueError:
            credential = None
    response = credential.get("response") if isinstance(credential, dict) else None
    if not isinstance(response, dict) or not isinstance(credential.get("id"), str):
        raise CeremonyRefused("密钥应答格式不正确，请重新操作。", reason="malformed")
    try:
        client = parse_client_data_json(_b64decode(str(response.get("clientDataJSON", ""))))
    except Exception as exc:  # the library raises several types for bad input
        raise CeremonyRefused("密钥应答格式不正确，请重新操作。", reason="malformed") from exc
    if client.type != ceremony:
        raise CeremonyRefused("密钥应答类型不符，请重新操作。", reason="wrong_type")
    if not secrets.compare_digest(client.challenge, expected_challenge):
        raise CeremonyRefused(
            "密钥应答与本次验证请求不符（可能是重放的旧应答），已拒绝。请重新操作。",
            reason="challenge_mismatch",
        )
    if client.origin != settings.WEBAUTHN_ORIGIN:
        raise CeremonyRefused(
            f"请求来源 {client.origin[:100]} 不是本系统的正式地址，已拒绝。"
            f"请从 {settings.WEBAUTHN_ORIGIN} 登录。",
            reason="wrong_origin",
        )
    return ClientCheck(
        credential=credential, credential_id=credential["id"], challenge=expected_challenge
    )


def _b64decode(value: str) -> bytes:
    from webauthn.helpers import base64url_to_bytes

    try:
        return base64url_to_bytes(value)
    except (ValueError, TypeError) as exc:
        raise CeremonyRefused("密钥应答格式不正确，请重新操作。", reason="malformed") from exc
