"""Reads of documents, always scoped to the viewer.

Who sees a document of unit U:
- its drafter (an unsubmitted draft is private to its drafter);
- U's clerks (文书) and leaders (负责人): every submitted document of U;
- anyone who took part in its 发文 flow (核稿, 会签, 签发, 用印, 分发 — offered or done).
`document_for_viewer` admits only people of U (the contract other apps rely on: sending,
tracking, the sealed PDF and package); `document_for_reader` also admits the people of
other units who countersign it (会签 by another unit), read-only. Anyone else: 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.documents.models import (
    SUBJECT_TYPE,
    Document,
    SealAttempt,
)
from wenshu.lib.errors import NotFound
from wenshu.org.models import Department, Unit
from wenshu.seals.models import Seal, SealCustodian, SealUseApproval, SealUseRequest
from wenshu.workflow import selectors as wf_selectors
from wenshu.workflow.models import ProcessInstance, WorkItem

NOT_FOUND = "找不到该公文，或您无权查看。"
_RELATED = ("unit", "drafter", "seal", "signed_by", "body_original", "process__definition")


def _took_part(viewer: User) -> Exists:
    """The viewer was offered, or acted on, a step of the document's process."""
    roles = [r.value for r in viewer.role_set]
    offered_by_role = (
        Q(assignee__isnull=True, unit_id=viewer.unit_id)
        & (Q(candidate_role="") | Q(candidate_role__in=roles))
        & (Q(candidate_department__isnull=True) | Q(candidate_department_id=viewer.department_id))
    )
    items = WorkItem.objects.filter(
        Q(assignee=viewer) | Q(completed_by=viewer) | offered_by_role,
        instance_id=OuterRef("process_id"),
    )
    return Exists(items)


def _scope(viewer: User, *, other_units: bool) -> Q:
    if not viewer.is_active:
        return Q(pk__in=[])
    submitted = Q(process__isnull=False)
    by_role = submitted if viewer.has_role(Role.CLERK, Role.UNIT_LEADER) else Q(pk__in=[])
    took_part = submitted & Q(_took_part(viewer))
    own = Q(unit_id=viewer.unit_id) & (Q(drafter_id=viewer.pk) | by_role | took_part)
    return own | took_part if other_units else own


def documents_visible(*, viewer: User, other_units: bool = False) -> QuerySet[Document]:
    return Document.objects.filter(_scope(viewer, other_units=other_units)).select_related(
        *_RELATED
    )


def document_for_viewer(*, viewer: User, document_id: int | str) -> Document:
    """A document of the viewer's own unit that the viewer may see; NotFound otherwise."""
    try:
        pk = int(document_id)
    except (TypeError, ValueError):
        raise NotFound(NOT_FOUND) from None
    found = documents_visible(viewer=viewer).filter(pk=pk).first()
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def document_for_reader(*, viewer: User, document_id: int | str) -> Document:
    """As document_for_viewer, and also for the other units' people in its flow (会签)."""
    try:
        pk = int(document_id)
    except (TypeError, ValueError):
        raise NotFound(NOT_FOUND) from None
    found = documents_visible(viewer=viewer, other_units=True).filter(pk=pk).first()
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def documents_list(
    *, viewer: User, status: str = "", q: str = "", mine: bool = False
) -> QuerySet[Document]:
    """我的发文 (mine=True: drafted by the viewer) or every document of the unit they may see."""
    qs = documents_visible(viewer=viewer)
    if mine:
        qs = qs.filter(drafter=viewer)
    if status in Document.Status.values:
        qs = qs.filter(status=status)
    if q.strip():
        words = q.strip()[:100]
        qs = qs.filter(Q(title__icontains=words) | Q(doc_number__icontains=words))
    return qs.order_by("-updated_at", "-id")


def drafts_count(*, viewer: User) -> int:
    return Document.objects.filter(drafter=viewer, status=Document.Status.DRAFT).count()


def package_bytes(*, document: Document) -> bytes:
    """The sealed exchange package (ZIP). The caller has checked the viewer may have it."""
    package = getattr(document, "sealed", None) if document.sealed_at else None
    if package is None:
        raise NotFound("该公文尚未用印，没有交换包。")
    return bytes(package.package)


def sealed_pdf(*, document: Document) -> bytes:
    package = getattr(document, "sealed", None) if document.sealed_at else None
    if package is None:
        raise NotFound("该公文尚未用印，没有正式版式文件。")
    return bytes(package.pdf)


# --- the 发文稿纸 --------------------------------------------------------------------------

SHEET_ORDER = ("sign", "countersign", "review", "draft", "seal", "dispatch")
SHEET_LABELS = {
    "sign": "签发",
    "countersign": "会签",
    "review": "核稿",
    "draft": "拟稿",
    "seal": "用印",
    "dispatch": "分发",
}


@dataclass
class SheetRow:
    label: str
    entries: list[WorkItem] = field(default_factory=list)


def approval_sheet(*, viewer: User, document: Document) -> list[SheetRow]:
    """The classic 发文稿纸: 签发, 会签, 核稿, 拟稿 (then 用印, 分发), each with who acted,
    their opinion and when. Withdrawn completions are left out; returns are kept."""
    instance = document.process
    history = (
        [
            h
            for h in wf_selectors.history_for(viewer=viewer, instance=instance)
            if h.status == WorkItem.Status.DONE
        ]
        if instance is not None
        else []
    )
    rows = {key: SheetRow(label) for key, label in SHEET_LABELS.items()}
    extra: dict[str, SheetRow] = {}
    for item in history:
        row = rows.get(item.task_spec_id) or extra.setdefault(item.name, SheetRow(item.name))
        row.entries.append(item)
    return [rows[key] for key in SHEET_ORDER] + list(extra.values())


@dataclass
class Step:
    item: WorkItem
    kind: str  # "act" (decide here), "submit", "seal", "dispatch"
    decisions: tuple[str, ...] = ()


def open_steps(*, viewer: User, document: Document) -> list[WorkItem]:
    if document.process is None:
        return []
    return wf_selectors.open_items(viewer=viewer, instance=document.process)


def my_steps(*, viewer: User, document: Document) -> list[Step]:
    """Open steps of the document the viewer may act on, and how."""
    instance = document.process
    steps: list[Step] = []
    for item in open_steps(viewer=viewer, document=document):
        if instance is None or wf_selectors.acting_for(viewer=viewer, item=item) is None:
            continue
        item.instance = instance
        kind = {"draft": "submit", "seal": "seal", "dispatch": "dispatch"}.get(
            item.task_spec_id, "act"
        )
        meta = instance.definition.task_meta(item.task_spec_id) or {}
        steps.append(Step(item, kind, tuple(meta.get("decisions") or ("approve",))))
    return steps


def withdrawable(*, viewer: User, document: Document) -> list[WorkItem]:
    """Steps the viewer completed and may still take back (nothing has happened since)."""
    instance = document.process
    if instance is None or instance.status != ProcessInstance.Status.RUNNING:
        return []
    done = instance.items.filter(
        completed_by=viewer, status=WorkItem.Status.DONE, version_after=instance.version
    ).exclude(task_spec_id__in=["seal", "dispatch"])
    found = []
    for item in done:
        item.instance = instance
        if wf_selectors.may_withdraw(viewer=viewer, item=item):
            found.append(item)
    return found


# --- 用印 ----------------------------------------------------------------------------------


@dataclass
class SealState:
    attempt: SealAttempt | None
    request: SealUseRequest | None
    approvals: list[SealUseApproval]
    custodians: list[User]
    threshold_k: int
    expired: bool
    may_decide: bool
    may_complete: bool
    may_rerequest: bool


def current_attempt(document: Document) -> SealAttempt | None:
    return (
        document.seal_attempts.select_related("use_request", "seal", "requested_by")
        .order_by("-created_at", "-id")
        .first()
    )


def seal_state(*, viewer: User, document: Document) -> SealState:
    attempt = current_attempt(document)
    req = attempt.use_request if attempt else None
    approvals = (
        list(SealUseApproval.objects.filter(request=req).select_related("custodian")) if req else []
    )
    seal = attempt.seal if attempt else document.seal
    custodians = (
        [
            c.person
            for c in SealCustodian.objects.filter(seal=seal, active=True).select_related("person")
        ]
        if seal
        else []
    )
    pending = attempt is not None and attempt.status == SealAttempt.Status.PENDING
    live = ("pending", "approved")
    expired = bool(req and req.status in live and req.expires_at <= timezone.now())
    is_custodian = any(c.pk == viewer.pk for c in custodians)
    decided = any(a.custodian_id == viewer.pk for a in approvals)
    clerk = viewer.unit_id == document.unit_id and viewer.has_role(Role.CLERK)
    usable = bool(req and req.status in ("approved", "used"))
    return SealState(
        attempt=attempt,
        request=req,
        approvals=approvals,
        custodians=custodians,
        threshold_k=seal.threshold_k if seal else 1,
        expired=expired,
        may_decide=pending
        and not expired
        and is_custodian
        and not decided
        and req is not None
        and req.status == "pending"
        and req.requested_by_id != viewer.pk,
        may_complete=pending and not expired and usable and (is_custodian or clerk),
        may_rerequest=document.status == Document.Status.APPROVED
        and clerk
        and (attempt is None or attempt.status != SealAttempt.Status.SEALED)
        and (not pending or expired or (req is not None and req.status in ("refused", "expired"))),
    )


def seal_todo_count(*, viewer: User) -> int:
    """Documents waiting for this custodian's decision on their 用印."""
    if not viewer.has_role(Role.SEAL_CUSTODIAN):
        return 0
    return (
        wf_selectors.todo_for(viewer=viewer, key="fawen")
        .filter(task_spec_id="seal", instance__subject_type=SUBJECT_TYPE)
        .count()
    )


# --- choices for the forms ----------------------------------------------------------------


def unit_seals_in_use(*, viewer: User) -> QuerySet[Seal]:
    return (
        Seal.objects.filter(unit_id=viewer.unit_id, status=Seal.Status.IN_USE)
        .defer("wrapped_key", "signer_cert_der", "seal_der", "picture_png")
        .order_by("seal_type", "id")
    )


def unit_people(*, viewer: User, role: Role | None = None) -> QuerySet[User]:
    qs = User.objects.filter(unit_id=viewer.unit_id, status=User.Status.ACTIVE)
    if role is not None:
        qs = qs.filter(role_grants__role=role.value)
    return qs.distinct().order_by("real_name", "id")


def unit_departments(*, viewer: User) -> QuerySet[Department]:
    return Department.objects.filter(unit_id=viewer.unit_id, is_active=True).order_by(
        "order", "name"
    )


def other_units(*, viewer: User) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(status=Unit.Status.REGISTERED)
        .exclude(pk=viewer.unit_id)
        .order_by("full_name")
    )
