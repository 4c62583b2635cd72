"""The sources of the index for the existing content apps, registered at start-up.

Each content app keeps its own rule of who may see what (its selectors); we only call them.
Models and selectors are imported inside the functions so that loading this module touches no
model before the app registry is ready, and a content app that is not installed is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.urls import reverse

from wenshu.search.registry import Doc, register_source

CHUNK = 200


def _join(*parts: Any) -> str:
    return "\n".join(str(p) for p in parts if p)


def _attachments_text(uploads: Iterable[Any]) -> str:
    return _join(*(_join(u.name, u.stored_file.text) for u in uploads if u is not None))


# --- mail (wenshu.messaging): sent mail, seen by whoever still has a copy in a folder ---------


def mail_items(since: datetime | None) -> Iterator[Doc]:
    from wenshu.messaging.models import Message

    qs = Message.objects.filter(status=Message.Status.SENT).prefetch_related(
        "attachments__upload__stored_file"
    )
    if since is not None:
        qs = qs.filter(sent_at__gte=since)
    for m in qs.order_by("pk").iterator(chunk_size=CHUNK):
        files = _attachments_text(a.upload for a in m.attachments.all())
        yield Doc(
            "mail",
            m.pk,
            m.subject or "（无主题）",
            _join(m.subject, m.body, files),
            m.sent_at or m.created_at,
            m.sender_unit_id,
            m.sender_id,
        )


def mail_visible(viewer: Any) -> QuerySet[Any]:
    from wenshu.messaging.models import MailboxEntry

    return MailboxEntry.objects.filter(owner_id=viewer.pk).values("message_id")


# --- notices (wenshu.bulletins): published notices, as the readers' list shows them ---------


def notice_items(since: datetime | None) -> Iterator[Doc]:
    from wenshu.bulletins.models import Notice

    qs = Notice.objects.filter(status=Notice.Status.PUBLISHED).prefetch_related(
        "attachments__upload__stored_file"
    )
    if since is not None:
        qs = qs.filter(Q(updated_at__gte=since) | Q(published_at__gte=since))
    for n in qs.order_by("pk").iterator(chunk_size=CHUNK):
        files = _attachments_text(a.upload for a in n.attachments.all())
        yield Doc(
            "notice",
            n.pk,
            n.title,
            _join(n.title, n.body, files),
            n.published_at or n.updated_at,
            n.unit_id,
            n.drafted_by_id,
        )


def notice_visible(viewer: Any) -> QuerySet[Any]:
    from wenshu.bulletins.selectors.notices import notices_for_reading

    return notices_for_reading(viewer=viewer).order_by().values("pk")


# --- library (wenshu.library): live items with their current version's text -----------------


def library_items(since: datetime | None) -> Iterator[Doc]:
    from wenshu.library.selectors import items_for_indexing

    for item in items_for_indexing(changed_since=since).iterator(chunk_size=CHUNK):
        yield Doc(
            "library",
            item.pk,
            item.title,
            item.search_text,
            item.updated_at,
            item.unit_id,
            item.owner_id,
        )


def library_visible(viewer: Any) -> QuerySet[Any]:
    from wenshu.library.selectors import items_visible_to

    return items_visible_to(viewer=viewer).order_by().values("pk")


# --- official documents (wenshu.documents + wenshu.exchange) --------------------------------


def _document_text(d: Any) -> str:
    body = _join(*(p.get("text", "") for p in (d.body or []) if isinstance(p, dict)))
    files = _join(
        *(
            _join(a.title, a.upload and a.upload.name, a.upload and a.upload.stored_file.text)
            for a in d.attachments.all()
        )
    )
    return _join(d.title, d.doc_number, d.main_recipients, body, d.note, d.cc, files)


def document_items(since: datetime | None) -> Iterator[Doc]:
    from wenshu.documents.models import Document

    qs = Document.objects.exclude(status=Document.Status.CANCELLED).prefetch_related(
        "attachments__upload__stored_file"
    )
    if since is not None:
        qs = qs.filter(updated_at__gte=since)
    for d in qs.order_by("pk").iterator(chunk_size=CHUNK):
        date = d.sent_at or d.approved_at or d.updated_at
        title = f"{d.doc_number} {d.title}".strip()
        yield Doc("document", d.pk, title, _document_text(d), date, d.unit_id, d.drafter_id)


def document_visible(viewer: Any) -> QuerySet[Any]:
    """The sender unit's people the documents app lets see it (drafter, clerks, leaders, the
    flow's participants) and, once sent, the recipient units' clerks, leaders and admins."""
    from wenshu.documents.models import Document
    from wenshu.documents.selectors import documents_visible

    own = documents_visible(viewer=viewer, other_units=True).order_by().values("pk")
    scope = Q(pk__in=own)
    if apps.is_installed("wenshu.exchange"):
        from wenshu.exchange.models import Delivery
        from wenshu.exchange.selectors import may_track

        if may_track(viewer):
            received = Delivery.objects.filter(recipient_unit_id=viewer.unit_id)
            scope |= Q(pk__in=received.values("document_id"))
    return Document.objects.filter(scope).order_by().values("pk")


def _document_url(viewer: Any, entry: Any) -> str:
    if entry.unit_id != viewer.unit_id and apps.is_installed("wenshu.exchange"):
        return reverse("exchange:received", args=[entry.object_id])
    return reverse("documents:detail", args=[entry.object_id])


def register_all() -> None:
    if apps.is_installed("wenshu.documents"):
        register_source(
            "document", document_items, document_visible, label="公文", url_for=_document_url
        )
    if apps.is_installed("wenshu.messaging"):
        register_source(
            "mail",
            mail_items,
            mail_visible,
            label="邮件",
            url_for=lambda v, e: reverse("messaging:open", args=[e.object_id]),
        )
    if apps.is_installed("wenshu.bulletins"):
        register_source(
            "notice",
            notice_items,
            notice_visible,
            label="通知公告",
            url_for=lambda v, e: reverse("bulletins:notice", args=[e.object_id]),
        )
    if apps.is_installed("wenshu.library"):
        register_source(
            "library",
            library_items,
            library_visible,
            label="文档",
            url_for=lambda v, e: reverse("library:item", args=[e.object_id]),
        )


register_all()
