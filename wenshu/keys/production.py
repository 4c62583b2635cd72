"""The WebAuthn registration ceremony at the digital office (art. 28), the holder present.

The city administrator opens the production page of an approved application; the browser
asks the authenticator to create a credential for the intended holder's user handle; the
server verifies the attestation ("none" is enough: the key is bound by the office procedure,
not by the vendor's certificate) and records the key through `services.key_produce_webauthn`.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from django.conf import settings
from webauthn import verify_registration_response
from webauthn.helpers.exceptions import WebAuthnException

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_refusal
from wenshu.keys import ceremony, services
from wenshu.keys.ceremony import CeremonyRefused
from wenshu.keys.models import KeyApplication, KeyKind, LoginKey
from wenshu.lib.errors import Conflict, DomainError, Forbidden


def _purpose(application: KeyApplication) -> str:
    return f"register:{application.pk}"


def _check_may_produce(actor: User, application: KeyApplication) -> None:
    if not (actor.is_active and actor.has_role(Role.CITY_ADMIN)):
        raise Forbidden("只有市数字办管理员可以制作密钥（第二十八条）。")
    if application.kind != KeyKind.WEBAUTHN:
        raise DomainError("该申请申领的是动态口令令牌，不需要登记安全密钥。")
    if application.status != KeyApplication.Status.APPROVED:
        raise Conflict(f"该申请当前状态为「{application.get_status_display()}」，不能制作密钥。")
    if application.intended_holder_id == actor.pk:
        raise Forbidden("不能为本人制作密钥，请由市数字办其他管理员办理。")


def register_begin(
    *, actor: User, application: KeyApplication, session: MutableMapping[str, Any]
) -> dict[str, Any]:
    """Options for navigator.credentials.create(); the challenge is kept in the session."""
    _check_may_produce(actor, application)
    holder = application.intended_holder
    existing = LoginKey.objects.filter(
        holder=holder, kind=KeyKind.WEBAUTHN, credential_id__isnull=False
    )
    return ceremony.registration_options(
        session,
        purpose=_purpose(application),
        user_handle=services.holder_handle(holder),
        user_name=holder.username,
        display_name=f"{holder.display_name}（{holder.unit.short_name}）",
        exclude=existing,
    )


def register_finish(
    *,
    actor: User,
    application: KeyApplication,
    session: MutableMapping[str, Any],
    credential: Any,
    serial: str = "",
) -> LoginKey:
    """Verify the attestation and record the key; a refusal is audited and raised."""
    _check_may_produce(actor, application)
    try:
        challenge = ceremony.take_challenge(session, purpose=_purpose(application))
        checked = ceremony.check_client_data(
            credential, expected_challenge=challenge, ceremony="webauthn.create"
        )
        verified = _verify(checked)
    except CeremonyRefused as exc:
        audit_refusal(
            actor=actor,
            action="key.registration_refused",
            message=exc.message,
            target=application,
            details={"reason": exc.reason},
        )
        raise
    transports = checked.credential["response"].get("transports") or []
    return services.key_produce_webauthn(
        actor=actor,
        application=application,
        credential_id=checked.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        aaguid=str(verified.aaguid),
        transports=[str(t) for t in transports if isinstance(t, str)][:8],
        serial=serial,
    )


def _verify(checked: ceremony.ClientCheck) -> Any:
    try:
        return verify_registration_response(
            credential=checked.credential,
            expected_challenge=checked.challenge,
            expected_rp_id=settings.WEBAUTHN_RP_ID,
            expected_origin=settings.WEBAUTHN_ORIGIN,
            require_user_presence=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise CeremonyRefused(
            "安全密钥的登记应答未通过验证（可能不是本系统发起的请求，或密钥不受支持），请重新操作。",
            reason="bad_attestation",
        ) from exc
