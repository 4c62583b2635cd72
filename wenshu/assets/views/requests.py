"""Request pages: repairs (S3 第四条), loans (S3 第五条), internet connection (S2 第九条), and
the list that is the office's queue and everyone's own requests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from wenshu.assets import selectors, services
from wenshu.assets.forms import (
    DecisionForm,
    DirectRepairForm,
    InternetDecisionForm,
    InternetRequestForm,
    LoanRequestForm,
    ReasonForm,
    RepairRecordForm,
    RepairRequestForm,
    ReturnForm,
)
from wenshu.assets.models import RequestStatus
from wenshu.assets.views._common import AuthedRequest, decision, form_page, post_or_page
from wenshu.lib.errors import DomainError, NotFound

R = RequestStatus
WHICH = {"pending": "待我审批", "mine": "我提交的", "all": "本单位全部"}


@login_required
def requests_list(request: AuthedRequest) -> HttpResponse:
    office = selectors.viewer_is_office(request.user)
    which = request.GET.get("which") or ("pending" if office else "mine")
    if which not in WHICH or (which != "mine" and not office):
        which = "mine"
    tabs = [(k, v) for k, v in WHICH.items() if office or k == "mine"]
    lists = selectors.requests_list(viewer=request.user, which=which)
    return render(
        request,
        "assets/pages/requests.html",
        {
            "which": which,
            "tabs": tabs,
            "office": office,
            **{key: rows[:200] for key, rows in lists.items()},
        },
    )


def _asset_form_page(
    request: AuthedRequest,
    pk: int,
    *,
    form: Any,
    title: str,
    run: Callable[[Any, dict[str, Any]], Any],
    done: str,
    next_name: str,
    intro: str = "",
) -> HttpResponse:
    asset = selectors.asset_get(viewer=request.user, pk=pk)
    return form_page(
        request,
        form=form,
        title=title,
        run=lambda data: run(asset, data),
        done=done,
        next_url=lambda obj: reverse(next_name, args=[obj.pk]),
        back=reverse("assets:detail", args=[pk]),
        asset=asset,
        intro=intro,
    )


# --- repairs -----------------------------------------------------------------------------


@login_required
def repair_new(request: AuthedRequest, pk: int) -> HttpResponse:
    return _asset_form_page(
        request,
        pk,
        form=RepairRequestForm(request.POST or None),
        title="设备报修",
        run=lambda asset, d: services.repair_request(
            actor=request.user, asset=asset, fault=d["fault"], cause=d["cause"]
        ),
        done="报修已提交，办公室将安排维修。",
        next_name="assets:repair",
        intro="设备管理办法第四条：设备出现故障需要修理的，向办公室说明损坏程度和原因，"
        "由办公室组织维修；各部门不得擅自维修。",
    )


@login_required
def repair_direct(request: AuthedRequest, pk: int) -> HttpResponse:
    """The office records a repair it organised itself. Anyone else who posts here is refused
    with the rule (the service decides; the page only shows the refusal)."""
    return _asset_form_page(
        request,
        pk,
        form=DirectRepairForm(request.POST or None),
        title="登记维修记录",
        run=lambda asset, d: services.repair_record_direct(
            actor=request.user,
            asset=asset,
            fault=d["fault"],
            vendor=d["vendor"],
            work_done=d["work_done"],
            cost=d["cost"],
            repaired_on=d["repaired_on"],
        ),
        done="维修记录已登记。",
        next_name="assets:repair",
        intro="仅办公室可登记维修记录：各部门不得擅自维修，须由办公室组织维修（设备管理办法第四条）。",
    )


def _repair_page(
    request: AuthedRequest, pk: int, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    repair = selectors.repair_get(viewer=request.user, pk=pk)
    office = selectors.viewer_is_office(request.user)
    context = {
        "repair": repair,
        "asset": repair.asset,
        "office": office,
        "decision_form": DecisionForm(),
        "record_form": RepairRecordForm(),
        **(forms or {}),
    }
    return render(request, "assets/pages/repair.html", context, status=status)


@login_required
def repair_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _repair_page(request, pk)


@login_required
@require_POST
def repair_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    repair = selectors.repair_get(viewer=request.user, pk=pk)
    approve = decision(request)
    return post_or_page(
        request,
        form=DecisionForm(request.POST),
        key="decision_form",
        run=lambda d: _decide(
            approve,
            lambda a: services.repair_decide(
                actor=request.user, repair=repair, approve=a, note=d["note"]
            ),
        ),
        done=_done(approve),
        next_url=reverse("assets:repair", args=[pk]),
        page=lambda forms, status: _repair_page(request, pk, forms, status),
    )


def _done(approve: bool | None) -> str:
    return "已同意，申请人会收到通知。" if approve else "已答复不同意，申请人会收到通知。"


def _decide(approve: bool | None, run: Callable[[bool], Any]) -> Any:
    if approve is None:
        raise DomainError("请点击“同意”或“不同意”")
    return run(approve)


@login_required
@require_POST
def repair_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    repair = selectors.repair_get(viewer=request.user, pk=pk)
    return post_or_page(
        request,
        form=RepairRecordForm(request.POST),
        key="record_form",
        run=lambda d: services.repair_complete(
            actor=request.user,
            repair=repair,
            vendor=d["vendor"],
            work_done=d["work_done"],
            cost=d["cost"],
            repaired_on=d["repaired_on"],
        ),
        done="维修记录已登记，设备恢复使用。",
        next_url=reverse("assets:repair", args=[pk]),
        page=lambda forms, status: _repair_page(request, pk, forms, status),
    )


@login_required
@require_POST
def repair_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    repair = selectors.repair_get(viewer=request.user, pk=pk)
    services.repair_withdraw(actor=request.user, repair=repair)
    messages.success(request, "报修单已撤回。")
    return redirect("assets:repair", pk=pk)


# --- loans -------------------------------------------------------------------------------


@login_required
def loan_new(request: AuthedRequest, pk: int) -> HttpResponse:
    form = LoanRequestForm(
        request.POST or None, units=selectors.borrower_units(viewer=request.user)
    )
    return _asset_form_page(
        request,
        pk,
        form=form,
        title="设备外借申请",
        run=lambda asset, d: services.loan_request(
            actor=request.user,
            asset=asset,
            borrower_unit=d["borrower_unit"],
            borrower_contact=d["borrower_contact"],
            purpose=d["purpose"],
            due_date=d["due_date"],
        ),
        done="外借申请已提交，待办公室审批。",
        next_name="assets:loan",
        intro="设备管理办法第五条：不经办公室同意，设备不准外借。",
    )


def _loan_page(
    request: AuthedRequest, pk: int, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    loan = selectors.loan_get(viewer=request.user, pk=pk)
    own = loan.asset.unit_id == request.user.unit_id
    context = {
        "loan": loan,
        "asset": loan.asset,
        "own": own,
        "office": own and selectors.viewer_is_office(request.user),
        "may_withdraw": own
        and loan.requested_by_id == request.user.pk
        and loan.status in (R.PENDING, R.APPROVED),
        "decision_form": DecisionForm(),
        "return_form": ReturnForm(),
        **(forms or {}),
    }
    return render(request, "assets/pages/loan.html", context, status=status)


@login_required
def loan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _loan_page(request, pk)


def _own_loan(request: AuthedRequest, pk: int) -> Any:
    loan = selectors.loan_get(viewer=request.user, pk=pk)
    if loan.asset.unit_id != request.user.unit_id:
        raise NotFound("找不到该外借申请，或您无权查看。")
    return loan


@login_required
@require_POST
def loan_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    loan = _own_loan(request, pk)
    approve = decision(request)
    return post_or_page(
        request,
        form=DecisionForm(request.POST),
        key="decision_form",
        run=lambda d: _decide(
            approve,
            lambda a: services.loan_decide(
                actor=request.user, loan=loan, approve=a, note=d["note"]
            ),
        ),
        done=_done(approve),
        next_url=reverse("assets:loan", args=[pk]),
        page=lambda forms, status: _loan_page(request, pk, forms, status),
    )


@login_required
@require_POST
def loan_start(request: AuthedRequest, pk: int) -> HttpResponse:
    loan = _own_loan(request, pk)
    services.loan_start(actor=request.user, loan=loan)
    messages.success(request, "设备已借出。")
    return redirect("assets:loan", pk=pk)


@login_required
@require_POST
def loan_return(request: AuthedRequest, pk: int) -> HttpResponse:
    loan = _own_loan(request, pk)
    return post_or_page(
        request,
        form=ReturnForm(request.POST),
        key="return_form",
        run=lambda d: services.loan_return(actor=request.user, loan=loan, note=d["note"]),
        done="设备已归还。",
        next_url=reverse("assets:loan", args=[pk]),
        page=lambda forms, status: _loan_page(request, pk, forms, status),
    )


@login_required
@require_POST
def loan_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    loan = _own_loan(request, pk)
    services.loan_withdraw(actor=request.user, loan=loan)
    messages.success(request, "外借申请已撤回。")
    return redirect("assets:loan", pk=pk)


# --- internet ------------------------------------------------------------------------------


@login_required
def internet_new(request: AuthedRequest, pk: int) -> HttpResponse:
    return _asset_form_page(
        request,
        pk,
        form=InternetRequestForm(request.POST or None),
        title="电脑接入互联网申请",
        run=lambda asset, d: services.internet_request(
            actor=request.user, asset=asset, justification=d["justification"]
        ),
        done="联网申请已提交，待办公室审批。",
        next_name="assets:internet",
        intro="办公自动化管理办法第九条：用于办公自动化系统的电脑，未经允许严禁接入互联网；"
        "经批准接入的，必须安装正版杀毒软件并定期升级。",
    )


def _internet_page(
    request: AuthedRequest, pk: int, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    req = selectors.internet_get(viewer=request.user, pk=pk)
    revoke = ReasonForm()
    revoke.fields["reason"].label = "撤销原因"
    context = {
        "req": req,
        "asset": req.asset,
        "office": selectors.viewer_is_office(request.user),
        "decision_form": InternetDecisionForm(),
        "revoke_form": revoke,
        **(forms or {}),
    }
    return render(request, "assets/pages/internet.html", context, status=status)


@login_required
def internet_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _internet_page(request, pk)


@login_required
@require_POST
def internet_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    req = selectors.internet_get(viewer=request.user, pk=pk)
    approve = decision(request)
    return post_or_page(
        request,
        form=InternetDecisionForm(request.POST),
        key="decision_form",
        run=lambda d: _decide(
            approve,
            lambda a: services.internet_decide(
                actor=request.user,
                request=req,
                approve=a,
                note=d["note"],
                antivirus_product=d["antivirus_product"],
                antivirus_version=d["antivirus_version"],
            ),
        ),
        done=_done(approve),
        next_url=reverse("assets:internet", args=[pk]),
        page=lambda forms, status: _internet_page(request, pk, forms, status),
    )


@login_required
@require_POST
def internet_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    req = selectors.internet_get(viewer=request.user, pk=pk)
    return post_or_page(
        request,
        form=ReasonForm(request.POST),
        key="revoke_form",
        run=lambda d: services.internet_revoke(actor=request.user, request=req, reason=d["reason"]),
        done="已撤销联网批准。",
        next_url=reverse("assets:internet", args=[pk]),
        page=lambda forms, status: _internet_page(request, pk, forms, status),
    )


@login_required
@require_POST
def internet_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    req = selectors.internet_get(viewer=request.user, pk=pk)
    services.internet_withdraw(actor=request.user, request=req)
    messages.success(request, "联网申请已撤回。")
    return redirect("assets:internet", pk=pk)
