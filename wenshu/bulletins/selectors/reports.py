"""Reads of information reports, always for a viewer: a report the viewer may not see is a 404.

A report is seen by the sending unit's editors and leaders and by the receiving unit's
editors (its handlers). Nobody else, the digital office included, opens single reports; the
digital office sees the statistics.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from wenshu.accounts.models import User
from wenshu.bulletins.models import InfoReport, ReceivingUnit, ReportAttachment
from wenshu.bulletins.permissions import (
    is_city_admin,
    is_editor,
    is_manager,
    is_report_handler,
)
from wenshu.lib.errors import Forbidden, NotFound
from wenshu.org.models import Unit

Status = InfoReport.Status
NOT_FOUND = "找不到该信息，或您无权查看。"


def _reports() -> QuerySet[InfoReport]:
    return InfoReport.objects.select_related("unit", "receiver", "submitted_by", "handled_by")


def may_view_report(viewer: User, report: InfoReport) -> bool:
    if report.unit_id == viewer.unit_id and is_manager(viewer):
        return True
    return report.receiver_id == viewer.unit_id and is_editor(viewer)


def report_get(*, viewer: User, pk: int, lock: bool = False) -> InfoReport:
    qs = _reports()
    if lock:
        qs = qs.select_for_update(of=("self",))
    report = qs.filter(pk=pk).first()
    if report is None or not may_view_report(viewer, report):
        raise NotFound(NOT_FOUND)
    return report


def _filter(
    qs: QuerySet[InfoReport],
    *,
    status: str,
    category: str,
    q: str,
) -> QuerySet[InfoReport]:
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q))
    return qs


def reports_sent(
    *,
    viewer: User,
    status: str = "",
    category: str = "",
    q: str = "",
) -> QuerySet[InfoReport]:
    """The viewer's unit's reports, every version (editors and leaders)."""
    if not is_manager(viewer):
        raise Forbidden("只有本单位文书、信息员、单位系统管理员和负责人可以查看本单位的信息上报。")
    qs = _reports().filter(unit_id=viewer.unit_id)
    return _filter(qs, status=status, category=category, q=q).order_by("-submitted_at", "-id")


def reports_received(
    *,
    viewer: User,
    status: str = "",
    category: str = "",
    q: str = "",
    unit_id: int | None = None,
) -> QuerySet[InfoReport]:
    """Reports addressed to the viewer's unit (its handlers), oldest waiting first."""
    if not is_report_handler(viewer):
        raise Forbidden("只有信息接收单位的文书、信息员和单位系统管理员可以处理报送的信息。")
    qs = _reports().filter(receiver_id=viewer.unit_id)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return _filter(qs, status=status, category=category, q=q).order_by("-submitted_at", "-id")


def reports_pending_count(*, viewer: User) -> int:
    if not is_report_handler(viewer):
        return 0
    return InfoReport.objects.filter(receiver_id=viewer.unit_id, status=Status.SUBMITTED).count()


def report_versions(*, report: InfoReport) -> list[InfoReport]:
    """Every version of the item the report belongs to, oldest first (chains are short)."""
    first = report
    while first.previous_id is not None:
        first = _reports().get(pk=first.previous_id)
    versions = [first]
    while True:
        nxt = _reports().filter(previous_id=versions[-1].pk).first()
        if nxt is None:
            return versions
        versions.append(nxt)


def report_attachments(*, report: InfoReport) -> QuerySet[ReportAttachment]:
    return report.attachments.select_related("upload__stored_file")


def report_attachment_get(*, viewer: User, report_pk: int, attachment_pk: int) -> ReportAttachment:
    report = report_get(viewer=viewer, pk=report_pk)
    found = report_attachments(report=report).filter(pk=attachment_pk).first()
    if found is None:
        raise NotFound("找不到该附件，或您无权查看。")
    return found


# --- receivers -------------------------------------------------------------------------


def receivers_open(*, viewer: User) -> QuerySet[Unit]:
    """Units the viewer's unit may send a report to: active receivers other than itself."""
    return (
        Unit.objects.filter(bulletin_receiver__active=True, status=Unit.Status.REGISTERED)
        .exclude(pk=viewer.unit_id)
        .order_by("id")
    )


def receivers_all(*, viewer: User) -> QuerySet[ReceivingUnit]:
    """Every unit ever flagged as a receiver (the digital office's settings page)."""
    if not is_city_admin(viewer):
        raise Forbidden("此页面仅供市数字办管理员使用。")
    return ReceivingUnit.objects.select_related("unit", "updated_by").order_by("-active", "unit_id")


def receiver_candidates(*, viewer: User) -> QuerySet[Unit]:
    """Units the digital office may flag: registered ones, and those flagged before (so an
    old receiver can still be switched off)."""
    if not is_city_admin(viewer):
        raise Forbidden("此页面仅供市数字办管理员使用。")
    live = Q(status=Unit.Status.REGISTERED, in_directory=True)
    return (
        Unit.objects.filter(live | Q(bulletin_receiver__isnull=False))
        .distinct()
        .order_by("full_name")
    )


def receivers_for_stats(*, viewer: User) -> QuerySet[Unit]:
    """Receivers whose statistics the viewer may open."""
    if is_city_admin(viewer):
        return Unit.objects.filter(bulletin_receiver__isnull=False).order_by("id")
    if is_report_handler(viewer):
        return Unit.objects.filter(pk=viewer.unit_id)
    raise Forbidden("信息采用统计只供信息接收单位和市数字办查看。")
