"""The city seal-making authority (制章机构): one current SM2 CA held by the digital office."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.lib import gm, sm2cert
from wenshu.org.models import Unit
from wenshu.seals.models import SealMaker
from wenshu.seals.services._common import require_role, unwrap_private_key, wrap_private_key

MAKER_COMMON_NAME = "文枢电子印章制作机构"
MAKER_VALID_YEARS = 20


def _maker_organization() -> str:
    office = Unit.objects.filter(is_digital_office=True).first()
    return office.full_name if office else "市数字办"


def _create_maker(*, actor: User | None) -> SealMaker:
    key = gm.generate_private_key()
    now = timezone.now()
    organization = _maker_organization()
    cert = sm2cert.make_ca(
        key=key,
        common_name=MAKER_COMMON_NAME,
        organization=organization,
        not_before=now - timedelta(minutes=5),
        not_after=now + timedelta(days=365 * MAKER_VALID_YEARS),
    )
    maker = SealMaker(
        key_ref=uuid.uuid4().hex,
        common_name=MAKER_COMMON_NAME,
        organization=organization,
        cert_der=cert,
        created_by=actor,
    )
    maker.wrapped_key = wrap_private_key(key, maker.wrap_aad)
    maker.save()
    audit_record(
        actor=actor,
        action="seal.maker_created",
        target=maker,
        details={
            "key_ref": maker.key_ref,
            "cert_sm3": gm.sm3_hex(cert),
        },
    )
    return maker


def seal_maker_current(*, actor: User | None = None, create: bool = True) -> SealMaker | None:
    """The current maker; made on first need (first production) when `create`.

    Two first productions at once: the partial unique index lets one insert win; the other
    rolls back its savepoint and uses the winner.
    """
    found = SealMaker.objects.filter(is_current=True).first()
    if found is not None or not create:
        return found
    try:
        with transaction.atomic():
            return _create_maker(actor=actor)
    except IntegrityError:
        return SealMaker.objects.get(is_current=True)


@transaction.atomic
def seal_maker_init(*, actor: User | None) -> tuple[SealMaker, bool]:
    """Create the seal-making authority if there is none (command `seals_init_maker`).

    Returns (maker, created). A person must be the digital office's city administrator;
    `actor=None` is the command line run by the operator on the server.
    """
    if actor is not None:
        require_role(actor, Role.CITY_ADMIN, message="只有市数字办管理员可以初始化制章机构")
    existing = seal_maker_current(create=False)
    if existing is not None:
        return existing, False
    return _create_maker(actor=actor), True


def maker_key(maker: SealMaker) -> gm.PrivateKey:
    return unwrap_private_key(maker.wrapped_key, maker.wrap_aad)
