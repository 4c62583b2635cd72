"""Lending equipment to another unit (S3 第五条: 不经办公室同意，设备不准外借): a request, the
office's consent, the hand-over, the return, and a daily reminder while a loan is overdue."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.assets.models import LOAN_TRANSITIONS, Asset, LoanReminder, LoanRequest, RequestStatus
from wenshu.assets.services._common import (
    RULE_LOAN,
    audit_details,
    loan_link,
    lock_asset,
    notify,
    office_people,
    refuse_retired,
    require_office,
    text,
)
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.org.models import Unit

S = Asset.Status
R = RequestStatus
WHAT = "该外借申请"


def _borrower_admins(unit_id: int) -> list[User]:
    return list(
        User.objects.filter(
            unit_id=unit_id, status=User.Status.ACTIVE, role_grants__role=Role.UNIT_ADMIN
        ).distinct()
    )


def _check_borrower(asset: Asset, borrower_unit: Unit) -> None:
    if borrower_unit.pk == asset.unit_id:
        raise DomainError("借用单位须为其他单位；本单位内部调配请使用“调配”")
    if borrower_unit.status != Unit.Status.REGISTERED:
        raise DomainError("借用单位须为已注册的使用单位")


@transaction.atomic
def loan_request(
    *,
    actor: User,
    asset: Asset,
    borrower_unit: Unit,
    borrower_contact: str,
    purpose: str,
    due_date: date,
) -> LoanRequest:
    """Someone of the unit asks the office to lend equipment to another unit."""
    locked = lock_asset(actor, asset.pk)
    refuse_retired(locked, "外借")
    if locked.status not in (S.IN_USE, S.IN_STOCK):
        raise Conflict(f"设备 {locked.asset_number} {locked.get_status_display()}，不能外借")
    _check_borrower(locked, borrower_unit)
    if due_date < timezone.localdate():
        raise DomainError("约定归还日期不能早于今天")
    loan = LoanRequest(
        asset=locked,
        requested_by=actor,
        borrower_unit=borrower_unit,
        due_date=due_date,
        borrower_contact=text(borrower_contact, "借用单位联系人及电话", max_length=120),
        purpose=text(purpose, "借用事由", max_length=500),
    )
    try:
        with transaction.atomic():
            loan.save()
    except IntegrityError as exc:
        raise Conflict(f"设备 {locked.asset_number} 已有未结束的外借申请") from exc
    audit_record(
        actor=actor,
        action="asset.loan_requested",
        target=loan,
        unit=actor.unit,
        details=audit_details(locked, borrower=borrower_unit.full_name, due=due_date.isoformat()),
    )
    notify(
        [p for p in office_people(locked.unit_id) if p.pk != actor.pk],
        title="有设备外借申请待办公室审批",
        body=f"{locked} 拟借给{borrower_unit.short_name}：{loan.purpose}",
        link=loan_link(loan.pk),
    )
    return loan


def _lock_loan(actor: User, pk: int) -> tuple[LoanRequest, Asset]:
    asset_id = LoanRequest.objects.filter(pk=pk).values_list("asset_id", flat=True).first()
    if asset_id is None:
        raise NotFound("找不到该外借申请，或您无权查看。")
    asset = lock_asset(actor, asset_id)
    loan = LoanRequest.objects.select_for_update().select_related("borrower_unit").get(pk=pk)
    loan.asset = asset
    return loan, asset


@transaction.atomic
def loan_decide(*, actor: User, loan: LoanRequest, approve: bool, note: str = "") -> LoanRequest:
    """The office consents to the loan or refuses it with a reason."""
    locked, asset = _lock_loan(actor, loan.pk)
    require_office(actor, asset.unit_id, rule=RULE_LOAN)
    note = text(note, "办公室意见", max_length=500, required=not approve)
    locked.move_to(R.APPROVED if approve else R.REJECTED, LOAN_TRANSITIONS, WHAT)
    if approve:
        refuse_retired(asset, "外借")
    locked.decided_by, locked.decided_at, locked.decision_note = actor, timezone.now(), note
    locked.save()
    audit_record(
        actor=actor,
        action=f"asset.loan_{locked.status}",
        target=locked,
        unit=actor.unit,
        details=audit_details(asset, note=note),
    )
    notify(
        [locked.requested_by],
        title="设备外借已同意" if approve else "设备外借未同意",
        body=f"{asset}：{note or '办公室已同意外借'}",
        link=loan_link(locked.pk),
    )
    return locked


@transaction.atomic
def loan_start(*, actor: User, loan: LoanRequest) -> LoanRequest:
    """The office hands the equipment over. Only an approved loan can start."""
    locked, asset = _lock_loan(actor, loan.pk)
    require_office(actor, asset.unit_id, rule=RULE_LOAN)
    if locked.status == R.PENDING:
        raise Conflict(f"该外借申请尚未经办公室同意，不能借出：{RULE_LOAN}")
    locked.move_to(R.LENT, LOAN_TRANSITIONS, WHAT)
    if locked.due_date < timezone.localdate():
        raise Conflict("约定归还日期已过，请重新提出外借申请")
    asset.move_to(S.ON_LOAN)
    asset.save()
    locked.lent_by, locked.lent_at = actor, timezone.now()
    locked.save()
    audit_record(
        actor=actor,
        action="asset.loan_lent",
        target=locked,
        unit=actor.unit,
        details=audit_details(asset, borrower=locked.borrower_unit.full_name),
    )
    notify(
        _borrower_admins(locked.borrower_unit_id),
        title="借用设备已交付",
        body=f"{asset.unit.short_name}的{asset.get_category_display()}（{asset.asset_number}）"
        f"已借出，请于 {locked.due_date:%Y-%m-%d} 前归还",
        link=loan_link(locked.pk),
    )
    return locked


@transaction.atomic
def loan_return(*, actor: User, loan: LoanRequest, note: str = "") -> LoanRequest:
    """The office takes the equipment back; it returns to its department or to stock."""
    locked, asset = _lock_loan(actor, loan.pk)
    require_office(actor, asset.unit_id, rule=RULE_LOAN)
    locked.move_to(R.RETURNED, LOAN_TRANSITIONS, WHAT)
    locked.returned_by, locked.returned_at = actor, timezone.now()
    locked.return_note = text(note, "归还情况", max_length=300, required=False)
    locked.save()
    asset.move_to(S.IN_USE if asset.department_id or asset.custodian_id else S.IN_STOCK)
    asset.save()
    audit_record(
        actor=actor,
        action="asset.loan_returned",
        target=locked,
        unit=actor.unit,
        details=audit_details(asset, note=locked.return_note),
    )
    return locked


@transaction.atomic
def loan_withdraw(*, actor: User, loan: LoanRequest) -> LoanRequest:
    """Its requester withdraws a loan before the equipment is handed over."""
    locked, asset = _lock_loan(actor, loan.pk)
    if locked.requested_by_id != actor.pk:
        raise Forbidden("只有申请人可以撤回外借申请")
    locked.move_to(R.WITHDRAWN, LOAN_TRANSITIONS, WHAT)
    locked.save()
    audit_record(
        actor=actor,
        action="asset.loan_withdrawn",
        target=locked,
        unit=actor.unit,
        details=audit_details(asset),
    )
    return locked


def loans_remind_overdue(*, now: datetime | None = None) -> int:
    """Remind the office and the borrower unit's administrators of every loan past its due
    date: at most once per loan per Asia/Shanghai day, however often this runs."""
    today = timezone.localdate(now or timezone.now())
    overdue = LoanRequest.objects.filter(status=R.LENT, due_date__lt=today).values_list(
        "pk", flat=True
    )
    return sum(1 for pk in overdue if _remind_one(pk, today))


@transaction.atomic
def _remind_one(pk: int, today: date) -> bool:
    loan = (
        LoanRequest.objects.select_for_update(of=("self",))
        .select_related("asset__unit", "borrower_unit")
        .filter(pk=pk, status=R.LENT)
        .first()
    )
    if loan is None:
        return False
    _, created = LoanReminder.objects.get_or_create(loan=loan, day=today)
    if not created:
        return False
    asset, days = loan.asset, (today - loan.due_date).days
    body = (
        f"{asset.unit.short_name}借给{loan.borrower_unit.short_name}的"
        f"{asset.get_category_display()}（{asset.asset_number}）应于 {loan.due_date:%Y-%m-%d}"
        f" 归还，已逾期 {days} 天，请尽快归还。"
    )
    key = f"assets.loan_overdue:{loan.pk}:{today.isoformat()}"
    notify(
        office_people(asset.unit_id),
        title="外借设备逾期未还",
        body=body,
        link=loan_link(loan.pk),
        dedupe_key=f"{key}:office",
    )
    notify(
        _borrower_admins(loan.borrower_unit_id),
        title="借用设备逾期未还",
        body=body,
        link=loan_link(loan.pk),
        dedupe_key=f"{key}:borrower",
    )
    audit_record(
        actor=None,
        action="asset.loan_overdue_reminded",
        target=loan,
        unit=asset.unit,
        details={"asset_number": asset.asset_number, "days": days},
    )
    return True
