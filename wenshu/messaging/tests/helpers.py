"""Shared helpers for the mail tests."""

from __future__ import annotations

import secrets
from typing import Any

from wenshu.accounts.api_auth import token_digest
from wenshu.accounts.models import ApiToken
from wenshu.messaging.addressing import Addressing, address_set
from wenshu.messaging.models import MailboxEntry
from wenshu.messaging.services import MailContent, SendResult, mail_send


def eicar() -> bytes:
    """The EICAR test string, built from two halves so no file of ours contains it whole."""
    first = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$"
    second = "EICAR-STANDARD-ANTIVIRUS-" + "TEST-FILE!$H+H*"
    return (first + second).encode("ascii")


def to(
    *people: Any,
    units: tuple = (),
    groups: tuple = (),
    departments: tuple = (),
    cc: tuple = (),
    bcc: tuple = (),
) -> Addressing:
    return Addressing(
        to=address_set(
            people=[p.pk for p in people],
            units=[u.pk for u in units],
            groups=[g.pk for g in groups],
            departments=[d.pk for d in departments],
        ),
        cc=address_set(people=[p.pk for p in cc]),
        bcc=address_set(people=[p.pk for p in bcc]),
    )


def send(
    actor: Any,
    addressing: Addressing,
    subject: str = "关于报送材料的通知",
    body: str = "请于周五前报送。",
    **kwargs: Any,
) -> SendResult:
    files = kwargs.pop("files", ())
    content = MailContent(subject=subject, body=body, addressing=addressing, **kwargs)
    return mail_send(actor=actor, content=content, files=files)


def copy_of(person: Any, result: Any) -> MailboxEntry:
    """The person's received copy of a sent mail (a SendResult or a Message)."""
    message = getattr(result, "message", result)
    return MailboxEntry.objects.get(message=message, owner=person, role=MailboxEntry.Role.RECIPIENT)


def bearer(person: Any) -> dict[str, str]:
    token = secrets.token_urlsafe(24)
    ApiToken.objects.create(user=person, name="测试", prefix=token[:8], digest=token_digest(token))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
