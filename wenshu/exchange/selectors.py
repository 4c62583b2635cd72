"""Reads of the exchange, always for a viewer.

The sender side (已发公文, tracking, 催办) belongs to the sender unit's clerks, leaders and
unit administrators; the recipient side (a delivery and its package) to the recipient unit's
people in the same roles. Anyone else gets a 404 for an object (never a 403), and a 403 for a
list page meant for another role.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.documents.models import Document
from wenshu.exchange.models import (
    AWAITING_SIGNATURE,
    Delivery,
    DeliveryEvent,
    DeliveryRequest,
    Dispatch,
    Registration,
)
from wenshu.lib.errors import Forbidden, NotFound

# Who follows a unit's sent documents and opens its received ones.
TRACKER_ROLES = (Role.CLERK, Role.UNIT_LEADER, Role.UNIT_ADMIN)
_NOT_FOUND = "找不到该公文的分发记录，或您无权查看。"


def may_track(viewer: User) -> bool:
    return bool(viewer.is_active and viewer.has_role(*TRACKER_ROLES))


def _require_tracker(viewer: User) -> None:
    if not may_track(viewer):
        raise Forbidden("此页面仅供本单位文书、负责人和单位系统管理员使用。")


# --- sender side ---------------------------------------------------------------------------


def sent_dispatches(*, viewer: User, q: str = "") -> QuerySet[Dispatch]:
    """已发公文: the viewer's unit's sendings, newest first, with their progress counts."""
    _require_tracker(viewer)
    found = Dispatch.objects.filter(sender_unit_id=viewer.unit_id)
    q = (q or "").strip()
    if q:
        found = found.filter(Q(document__title__icontains=q) | Q(document__doc_number__icontains=q))
    return (
        found.select_related("document", "sent_by")
        .annotate(
            awaiting=Count("deliveries", filter=Q(deliveries__status__in=AWAITING_SIGNATURE)),
            signed=Count("deliveries", filter=Q(deliveries__signed_at__isnull=False)),
            returned=Count("deliveries", filter=Q(deliveries__returned_at__isnull=False)),
        )
        .order_by("-sent_at", "-id")
    )


def documents_to_dispatch(*, viewer: User) -> QuerySet[Document]:
    """待分发: the unit's sealed documents not sent yet (for its clerks)."""
    if not (viewer.is_active and viewer.has_role(Role.CLERK)):
        raise Forbidden("待分发公文仅供本单位文书查看。")
    return Document.objects.filter(unit_id=viewer.unit_id, status=Document.Status.SEALED).order_by(
        "sealed_at", "id"
    )


def to_dispatch_count(*, viewer: User) -> int:
    if not (viewer.is_active and viewer.has_role(Role.CLERK)):
        return 0
    return documents_to_dispatch(viewer=viewer).count()


def document_of_unit(*, viewer: User, document_id: int) -> Document:
    """A document of the viewer's own unit (the send page); NotFound otherwise."""
    found = Document.objects.select_related("unit").filter(pk=document_id).first()
    if found is None or not viewer.is_active or found.unit_id != viewer.unit_id:
        raise NotFound("找不到该公文，或您无权查看。")
    return found


def may_send(*, viewer: User, document: Document) -> bool:
    """A hint for pages (the service decides): the document is sealed and the viewer is a
    clerk of its unit, or the person its open 分发 step is offered to."""
    from wenshu.documents.services import dispatch_work_item
    from wenshu.workflow.selectors import acting_for

    if document.status != Document.Status.SEALED or document.unit_id != viewer.unit_id:
        return False
    item = dispatch_work_item(document=document)
    if item is not None:
        return acting_for(viewer=viewer, item=item) is not None
    return viewer.has_role(Role.CLERK)


def dispatch_for_document(*, viewer: User, document_id: int) -> Dispatch:
    """The sending of a document, for the sender unit's trackers; NotFound for anyone else
    (and for a document not sent yet)."""
    found = (
        Dispatch.objects.select_related("document", "sent_by", "sender_unit")
        .filter(document_id=document_id, sender_unit_id=viewer.unit_id)
        .first()
    )
    if found is None or not may_track(viewer):
        raise NotFound(_NOT_FOUND)
    return found


def deliveries_of_dispatch(
    *, viewer: User, dispatch: Dispatch, status: str = "", kind: str = "", q: str = ""
) -> QuerySet[Delivery]:
    """Every recipient of a sending, 主送 first, with filters for the tracking page."""
    if dispatch.sender_unit_id != viewer.unit_id or not may_track(viewer):
        raise NotFound(_NOT_FOUND)
    found = dispatch.deliveries.all()
    if status == "lagging":
        found = found.filter(status__in=AWAITING_SIGNATURE)
    elif status:
        found = found.filter(status=status)
    if kind:
        found = found.filter(kind=kind)
    q = (q or "").strip()
    if q:
        found = found.filter(recipient_name__icontains=q)
    return found.order_by("kind", "recipient_name", "id")


def tracking_summary(*, viewer: User, dispatch: Dispatch) -> dict[str, Any]:
    """Counts for the head of the tracking page."""
    rows = deliveries_of_dispatch(viewer=viewer, dispatch=dispatch)
    return rows.aggregate(
        total=Count("id"),
        awaiting=Count("id", filter=Q(status__in=AWAITING_SIGNATURE)),
        signed=Count("id", filter=Q(signed_at__isnull=False)),
        returned=Count("id", filter=Q(returned_at__isnull=False)),
        printed=Sum("printed_count", default=0),
        allowed=Sum("print_allowed", default=0),
    )


def delivery_for_sender(*, viewer: User, delivery_id: int, lock: bool = False) -> Delivery:
    found = Delivery.objects.select_related("dispatch", "dispatch__document")
    if lock:
        found = found.select_for_update(of=("self",))
    delivery = found.filter(pk=delivery_id, dispatch__sender_unit_id=viewer.unit_id).first()
    if delivery is None or not may_track(viewer):
        raise NotFound("找不到该收文单位的送达记录，或您无权查看。")
    return delivery


# --- recipient side ------------------------------------------------------------------------


def _received() -> QuerySet[Delivery]:
    return Delivery.objects.select_related("dispatch", "dispatch__sender_unit", "document")


def delivery_for_recipient(*, viewer: User, delivery_id: int) -> Delivery:
    """A delivery to the viewer's unit; another unit's delivery id is a 404."""
    found = _received().filter(pk=delivery_id, recipient_unit_id=viewer.unit_id).first()
    if found is None or not may_track(viewer):
        raise NotFound("找不到该收文，或您无权查看。")
    return found


def received_delivery(*, viewer: User, document_id: int) -> Delivery:
    """The viewer's unit's copy of a document (the link in the notification)."""
    found = _received().filter(document_id=document_id, recipient_unit_id=viewer.unit_id).first()
    if found is None or not may_track(viewer):
        raise NotFound("找不到该收文，或您无权查看。")
    return found


def delivery_events(*, delivery: Delivery) -> QuerySet[DeliveryEvent]:
    """The timeline of a delivery the caller already fetched through a selector above."""
    return delivery.events.select_related("actor", "on_behalf_of").order_by("at", "id")


# --- the unit's inbox (收文) ----------------------------------------------------------------

INBOX_TABS = {
    "awaiting": ("待签收", AWAITING_SIGNATURE),
    "signed": ("已签收", frozenset({Delivery.Status.SIGNED})),
    "returned": ("已退回", frozenset({Delivery.Status.RETURNED})),
}


def inbox(
    *, viewer: User, tab: str = "awaiting", q: str = "", sender: str = ""
) -> QuerySet[Delivery]:
    """收文: the viewer's unit's deliveries in one tab, newest first; `q` searches the title
    and the 发文字号, `sender` the sender's name as it sent."""
    _require_tracker(viewer)
    statuses = INBOX_TABS.get(tab, INBOX_TABS["awaiting"])[1]
    found = _received().filter(recipient_unit_id=viewer.unit_id, status__in=statuses)
    q = (q or "").strip()[:100]
    if q:
        found = found.filter(Q(document__title__icontains=q) | Q(document__doc_number__icontains=q))
    sender = (sender or "").strip()[:100]
    if sender:
        found = found.filter(dispatch__sender_name__icontains=sender)
    return found.select_related("registration").order_by("-delivered_at", "-id")


def inbox_counts(*, viewer: User) -> dict[str, int]:
    if not may_track(viewer):
        return {key: 0 for key in INBOX_TABS}
    mine = Delivery.objects.filter(recipient_unit_id=viewer.unit_id)
    found = mine.aggregate(
        **{
            key: Count("id", filter=Q(status__in=statuses))
            for key, (_label, statuses) in INBOX_TABS.items()
        }
    )
    return {key: found[key] or 0 for key in INBOX_TABS}


def awaiting_count(*, viewer: User) -> int:
    """The workbench counter 待签收 (unread: not signed for nor returned)."""
    if not may_track(viewer):
        return 0
    return Delivery.objects.filter(
        recipient_unit_id=viewer.unit_id, status__in=AWAITING_SIGNATURE
    ).count()


def delivery_requests(*, delivery: Delivery) -> QuerySet[DeliveryRequest]:
    """The requests of a delivery the caller already fetched through a selector."""
    return delivery.requests.select_related("requested_by", "decided_by").order_by("-id")


def delivery_registration(*, delivery: Delivery) -> Registration | None:
    return Registration.objects.filter(delivery=delivery).first()


# --- requests seen by the sender -----------------------------------------------------------


def requests_to_decide(*, viewer: User, pending_only: bool = True) -> QuerySet[DeliveryRequest]:
    """申请处理: requests of recipients to the viewer's unit (its trackers see, clerks act)."""
    _require_tracker(viewer)
    found = DeliveryRequest.objects.filter(delivery__dispatch__sender_unit_id=viewer.unit_id)
    if pending_only:
        found = found.filter(status=DeliveryRequest.Status.PENDING)
    return found.select_related(
        "delivery", "delivery__document", "requested_by", "decided_by"
    ).order_by("-requested_at", "-id")


def request_for_sender(*, viewer: User, request_id: int) -> DeliveryRequest:
    found = (
        requests_to_decide(viewer=viewer, pending_only=False).filter(pk=request_id).first()
        if may_track(viewer)
        else None
    )
    if found is None:
        raise NotFound("找不到该申请，或您无权查看。")
    return found


def pending_requests_count(*, viewer: User) -> int:
    if not (viewer.is_active and viewer.has_role(Role.CLERK)):
        return 0
    return requests_to_decide(viewer=viewer).count()
