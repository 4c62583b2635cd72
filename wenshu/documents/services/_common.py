"""Helpers shared by the document services: locking, who may draft, classification checks."""

from __future__ import annotations

from collections.abc import Iterable

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.documents.models import SEALED_IMMUTABLE, Document
from wenshu.lib.classification import (
    find_marking,
    is_unclassified_level,
    level_refusal_message,
    refusal_message,
)
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound

# Who writes documents: the people doing a unit's business (not its system administrator).
DRAFTING_ROLES = (Role.STAFF, Role.CLERK, Role.UNIT_LEADER, Role.SEAL_CUSTODIAN)
NOT_FOUND = "找不到该公文，或您无权查看。"


def require_drafter_role(actor: User) -> None:
    if not actor.is_active or actor.unit_id is None:
        raise Forbidden("您的账号当前不能拟稿。")
    if not actor.has_role(*DRAFTING_ROLES):
        raise Forbidden("只有本单位工作人员、文书或负责人可以拟稿。")
    if not actor.unit.is_registered:
        raise Forbidden("本单位尚未注册或已注销，不能拟稿。")


def lock(document: Document | int) -> Document:
    """The document row, locked until the transaction ends."""
    pk = document if isinstance(document, int) else document.pk
    found = (
        Document.objects.select_for_update(of=("self",))
        .select_related("unit", "drafter", "seal")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def lock_own_draft(actor: User, document: Document | int) -> Document:
    """Lock a document its drafter may still change; refuse anything else with the reason."""
    doc = lock(document)
    if doc.unit_id != actor.unit_id:
        raise NotFound(NOT_FOUND)
    if doc.drafter_id != actor.pk:
        if doc.process_id is None:  # an unsubmitted draft is private to its drafter
            raise NotFound(NOT_FOUND)
        raise Forbidden("只有拟稿人可以修改公文稿。")
    check_editable(doc)
    return doc


def check_editable(doc: Document) -> None:
    if doc.sealed_at is not None:
        raise Conflict(SEALED_IMMUTABLE)
    if doc.status == Document.Status.DRAFT:
        return
    reasons: dict[str, str] = {
        Document.Status.IN_FLOW: "公文已送审，内容不可更改；如需修改，请由办理人退回拟稿人。",
        Document.Status.APPROVED: "公文已签发，内容已冻结，不可更改。",
        Document.Status.CANCELLED: "该公文已作废，不能修改。",
    }
    raise Conflict(reasons.get(doc.status, "该公文当前不能修改。"))


def check_unclassified(*, secrecy: str, secrecy_period: str = "") -> None:
    """Articles 45, 50: only 非密 documents enter the system."""
    if not is_unclassified_level(secrecy or ""):
        raise DomainError(level_refusal_message(secrecy), code="classified")
    if (secrecy_period or "").strip():
        raise DomainError(
            level_refusal_message(f"非密（保密期限 {secrecy_period.strip()}）"),
            code="classified",
        )


def check_no_marking(parts: Iterable[tuple[str, str]]) -> None:
    """Refuse text carrying a 密级标志; `parts` are (where, text) pairs, e.g. ("标题", …)."""
    for where, text in parts:
        marking = find_marking(text or "")
        if marking is not None:
            raise DomainError(refusal_message(marking, where), code="classified")
