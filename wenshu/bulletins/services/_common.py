"""Pieces the notice and report services share: text checks, attachments, notifications."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.files.models import Upload
from wenshu.lib.classification import find_marking, refusal_message
from wenshu.lib.errors import DomainError, NotFound

KIND = "bulletins"  # notification kind of every notice of this app
MAX_TITLE = 200
MAX_BODY = 50_000
MAX_OPINION = 1000
MAX_ATTACHMENTS = 20


def check_text(*, title: str, body: str) -> tuple[str, str]:
    """Stripped title and body; refuses empty, too long, or carrying a 密级标志 (S1 art. 50)."""
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise DomainError("请填写标题。")
    if len(title) > MAX_TITLE:
        raise DomainError(f"标题不能超过 {MAX_TITLE} 字。")
    if not body:
        raise DomainError("请填写正文。")
    if len(body) > MAX_BODY:
        raise DomainError(f"正文不能超过 {MAX_BODY} 字，较长的材料请作为附件上传。")
    for text, where in ((title, "标题"), (body, "正文")):
        marking = find_marking(text)
        if marking is not None:
            raise DomainError(refusal_message(marking, where), code="classified")
    return title, body


def check_opinion(opinion: str, *, required: str = "") -> str:
    """A stripped opinion; `required` is the refusal shown when it is empty."""
    opinion = (opinion or "").strip()
    if required and not opinion:
        raise DomainError(required)
    if len(opinion) > MAX_OPINION:
        raise DomainError(f"意见不能超过 {MAX_OPINION} 字。")
    marking = find_marking(opinion)
    if marking is not None:
        raise DomainError(refusal_message(marking, "意见"), code="classified")
    return opinion


def own_uploads(actor: User, uploads: Sequence[Upload]) -> list[Upload]:
    """Uploads the actor made (file_ingest ran on them); anyone else's is a 404."""
    unique = list({u.pk: u for u in uploads}.values())
    for upload in unique:
        if upload.uploaded_by_id != actor.pk:
            raise NotFound("找不到该上传文件，或它不是您上传的。")
    return unique


def attach(manager: Any, *, uploads: Sequence[Upload], drop_ids: Iterable[int] = ()) -> None:
    """Add `uploads` to an attachments relation and remove the ones in `drop_ids`."""
    drop = set(drop_ids)
    if drop:
        manager.filter(pk__in=drop).delete()
    have = set(manager.values_list("upload_id", flat=True))
    new = [u for u in uploads if u.pk not in have]
    if len(have) + len(new) > MAX_ATTACHMENTS:
        raise DomainError(f"附件最多 {MAX_ATTACHMENTS} 个。")
    now = timezone.now()
    for upload in new:
        manager.create(upload=upload, added_at=now)


def unit_people(unit_id: int, *roles: Role, info_officers: bool = False) -> list[User]:
    """Active people of a unit holding one of `roles` (or, with info_officers, being one)."""
    match = Q(role_grants__role__in=[r.value for r in roles])
    if info_officers:
        match |= Q(info_officer_of__unit_id=unit_id, info_officer_of__is_active=True)
    return list(
        User.objects.filter(match, unit_id=unit_id, status=User.Status.ACTIVE)
        .distinct()
        .order_by("id")
    )


def notify(
    recipients: Iterable[User],
    *,
    title: str,
    body: str,
    link: str,
    sms: bool = False,
    dedupe_key: str | None = None,
) -> None:
    from wenshu.notify.services import notify_send

    notify_send(
        recipients=list(recipients),
        title=title,
        body=body,
        link=link,
        sms=sms,
        kind=KIND,
        dedupe_key=dedupe_key,
    )
