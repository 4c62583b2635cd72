"""Printing a received document (S1 art. 36, 40, 41).

Every copy is a PDF with its own 份号 (000001, 000002 …) and a light watermark naming the
receiving unit and the time. The copy is counted with one conditional UPDATE that must
change exactly one row (`printed_count < print_allowed`), so two clerks printing the last
allowed copy at once get one copy between them; the other is told why.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.audit.services import audit_record
from wenshu.exchange.models import Delivery, DeliveryEvent, PrintedCopy
from wenshu.exchange.services._receiver import event, require_clerk
from wenshu.exchange.services.receiving import set_received_at
from wenshu.exchange.services.verification import delivery_check
from wenshu.lib.errors import Conflict, DomainError

_S = Delivery.Status
NOT_ALLOWED = "发文单位未允许打印此公文（允许打印 0 份）。如需打印，请向发文单位申请追加打印份数。"


@dataclass(frozen=True)
class PrintedPdf:
    copy: PrintedCopy
    pdf: bytes

    @property
    def copy_number(self) -> str:
        return f"{self.copy.copy_no:06d}"


def used_up_message(allowed: int) -> str:
    return (
        f"允许打印的 {allowed} 份已全部打印，不能再打印。"
        "如需更多份数，请向发文单位申请追加打印份数。"
    )


def _refusal(row: Delivery) -> DomainError:
    if row.status != _S.SIGNED:
        return Conflict("公文须先签收登记，才能打印。")
    if row.print_allowed == 0:
        return Conflict(NOT_ALLOWED)
    return Conflict(used_up_message(row.print_allowed))


def _render(delivery: Delivery, copy: PrintedCopy) -> bytes:
    from wenshu.documents import rendering
    from wenshu.lib.gongwen_pdf import render_pdf

    document = delivery.document
    sealed = document.sealed
    when = timezone.localtime(copy.printed_at)
    data = rendering.gongwen_data(document, seal_png=bytes(sealed.seal.picture_png))
    watermark = f"{delivery.recipient_name} {when:%Y-%m-%d %H:%M} 打印"
    try:
        return render_pdf(
            data,
            fonts=rendering.fonts_from_settings(),
            copy_number=f"{copy.copy_no:06d}",
            watermark=watermark,
        )
    except (OSError, ValueError) as exc:
        raise DomainError(f"打印文件生成失败：{exc}。请系统管理员检查字体设置。") from exc


def delivery_print(*, actor: User, delivery: Delivery) -> PrintedPdf:
    """Print the next copy within the permission; the first print sets the receive time."""
    require_clerk(actor, delivery)
    if not delivery_check(delivery=delivery).ok:
        raise Conflict("该公文验证未通过，不能打印；请退回发文单位或上报故障。")
    with transaction.atomic():
        counted = Delivery.objects.filter(
            pk=delivery.pk, status=_S.SIGNED, printed_count__lt=F("print_allowed")
        ).update(printed_count=F("printed_count") + 1)
        row = Delivery.objects.get(pk=delivery.pk)
        if counted != 1:
            raise _refusal(row)
        now = timezone.now()
        copy = PrintedCopy.objects.create(
            delivery=row, copy_no=row.printed_count, printed_by=actor, printed_at=now
        )
        first = set_received_at(row)
        event(
            row,
            DeliveryEvent.Kind.PRINTED,
            actor=actor,
            at=now,
            note=f"份号 {copy.copy_no:06d}" + ("（首次打印，记为接收时间）" if first else ""),
            data={"copy_no": copy.copy_no},
        )
        audit_record(
            actor=actor,
            action="exchange.delivery_printed",
            target=row,
            unit=row.recipient_unit,
            details={"copy_no": copy.copy_no},
        )
        pdf = _render(row, copy)
    delivery.printed_count, delivery.received_at = row.printed_count, row.received_at
    return PrintedPdf(copy=copy, pdf=pdf)
