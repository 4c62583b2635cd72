"""Pieces every seal service shares: the key-encryption key, role checks, notifications."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.lib import gm
from wenshu.lib.errors import DomainError, Forbidden, NotFound
from wenshu.seals.models import Seal, SealCustodian

KIND = "seals"  # notification kind of every seal notice
_KDF_LABEL = b"wenshu/seal-kek/sm4/v1"


def kek() -> bytes:
    """The SM4 key-encryption key from WENSHU_SEAL_KEK (hex).

    gm.wrap_key takes a 16-byte SM4 key. A 16-byte setting is used as is; a longer one (the
    documented 32-byte form) is reduced with SM3 under a fixed label, so every byte of it
    counts and a future change of derivation cannot silently reuse the same key.
    """
    try:
        raw = bytes.fromhex(settings.SEAL_KEK)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured("WENSHU_SEAL_KEK must be hex (32 or 64 hex digits)") from exc
    if len(raw) == gm.SM4_KEY_LEN:
        return raw
    if len(raw) < gm.SM4_KEY_LEN:
        raise ImproperlyConfigured("WENSHU_SEAL_KEK must be at least 16 bytes (32 hex digits)")
    return gm.sm3(_KDF_LABEL + raw)[: gm.SM4_KEY_LEN]


def unwrap_private_key(wrapped: Any, aad: bytes) -> gm.PrivateKey:
    """Open a wrapped key and load it; the plaintext DER is wiped from memory right after."""
    if wrapped is None:
        raise DomainError("该印章的密钥已销毁，不能用印")
    plain = bytearray(gm.unwrap_key(kek(), bytes(wrapped), aad))
    try:
        return gm.private_key_from_der(bytes(plain))
    finally:
        gm.secure_zero(plain)


def wrap_private_key(key: gm.PrivateKey, aad: bytes) -> bytes:
    plain = bytearray(gm.private_key_to_der(key))
    try:
        return gm.wrap_key(kek(), bytes(plain), aad)
    finally:
        gm.secure_zero(plain)


def require_role(actor: User, *roles: Role, message: str) -> None:
    if not actor.has_role(*roles):
        raise Forbidden(message)


def require_same_unit(actor: User, unit_id: int) -> None:
    """Another unit's object is a 404 for this actor (never a 403)."""
    if actor.unit_id != unit_id:
        raise NotFound()


def active_custodian_ids(seal: Seal) -> set[int]:
    return set(
        SealCustodian.objects.filter(
            seal=seal, active=True, person__status=User.Status.ACTIVE
        ).values_list("person_id", flat=True)
    )


def notify(
    recipients: Iterable[User],
    *,
    title: str,
    body: str,
    link: str = "",
    dedupe_key: str | None = None,
) -> None:
    from wenshu.notify.services import notify_send

    notify_send(
        recipients=list(recipients),
        title=title,
        body=body,
        link=link,
        kind=KIND,
        dedupe_key=dedupe_key,
    )


def notify_holders(role: Role, *, unit: Any = None, title: str, body: str, link: str = "") -> None:
    from wenshu.notify.services import notify_role

    notify_role(role=role, unit=unit, title=title, body=body, link=link, kind=KIND)


def unit_people(unit_id: int, *roles: Role) -> list[User]:
    return list(
        User.objects.filter(
            unit_id=unit_id,
            status=User.Status.ACTIVE,
            role_grants__role__in=[r.value for r in roles],
        ).distinct()
    )


def application_link(pk: int) -> str:
    return reverse("seals:application", args=[pk])


def seal_link(pk: int) -> str:
    return reverse("seals:seal", args=[pk])


def use_link(pk: int) -> str:
    return reverse("seals:use_request", args=[pk])
