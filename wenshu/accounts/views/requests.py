"""Account requests: filed by the unit administrator, decided by the digital office."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wenshu.accounts import selectors, services
from wenshu.accounts.forms import NoteForm, OpeningForm, RejectForm
from wenshu.accounts.models import AccountRequest
from wenshu.accounts.roles import Role
from wenshu.accounts.views.common import page_of, render_secret, viewer_of
from wenshu.lib.errors import DomainError, Forbidden


@login_required
def requests_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in AccountRequest.Status.values:
        status = ""
    requests = selectors.account_requests_for(viewer=viewer_of(request), status=status)
    context = {
        "page": page_of(request, requests),
        "status": status,
        "statuses": AccountRequest.Status.choices,
    }
    return render(request, "accounts/pages/requests.html", context)


def _opening_form(request: HttpRequest) -> OpeningForm:
    from wenshu.org.models import Department, Unit

    viewer = viewer_of(request)
    city = viewer.has_role(Role.CITY_ADMIN)
    if not (city or viewer.has_role(Role.UNIT_ADMIN)):
        raise Forbidden("只有本单位系统管理员可以申报开设账号。")
    units = Unit.objects.filter(status=Unit.Status.REGISTERED).order_by("id")
    departments = Department.objects.filter(is_active=True).select_related("unit")
    if not city:
        departments = departments.filter(unit_id=viewer.unit_id)
    return OpeningForm(
        request.POST or None,
        units=units,
        departments=departments,
        city=city,
        initial={"roles": [Role.STAFF.value]},
    )


@login_required
def request_new_view(request: HttpRequest) -> HttpResponse:
    form = _opening_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        filing = services.OpeningFiling(
            username=data["username"],
            real_name=data["real_name"],
            department_id=getattr(data["department"], "pk", None),
            post=data["post"],
            duties=data["duties"],
            mobile=data["mobile"],
            roles=list(data["roles"]),
            reason=data["reason"],
        )
        try:
            decision = services.account_request_open(
                actor=viewer_of(request),
                filing=filing,
                unit_id=getattr(data.get("unit"), "pk", None),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if decision.initial_password:
                return _opened_page(request, decision)
            messages.success(request, "开设申请已提交，待市数字办审批。")
            return redirect("accounts:request", request_id=decision.request.pk)
    return render(
        request,
        "accounts/pages/request_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _opened_page(request: HttpRequest, decision: services.Decision) -> HttpResponse:
    req = decision.request
    return render_secret(
        request,
        {
            "title": "账号已开设",
            "secret": decision.initial_password,
            "back_url": "accounts:request",
            "back_id": req.pk,
            "lead": f"{req.real_name}（{req.username}）的账号已开设，初始密码如下，只显示这一次。"
            "请以机要方式交给申报单位或本人；本人首次登录后必须立即修改。",
            "hint": "系统不保存初始密码的明文，遗失后只能由单位系统管理员恢复初始密码。",
        },
    )


@login_required
def request_view(request: HttpRequest, request_id: int) -> HttpResponse:
    found = selectors.account_request_for(viewer=viewer_of(request), pk=request_id)
    viewer = viewer_of(request)
    context = {
        "req": found,
        "note_form": NoteForm(),
        "reject_form": RejectForm(),
        "may_decide": viewer.has_role(Role.CITY_ADMIN)
        and found.status == AccountRequest.Status.PENDING,
        "may_withdraw": found.status == AccountRequest.Status.PENDING
        and found.unit_id == viewer.unit_id,
    }
    return render(request, "accounts/pages/request.html", context)


@require_POST
@login_required
def request_approve_view(request: HttpRequest, request_id: int) -> HttpResponse:
    found = selectors.account_request_for(viewer=viewer_of(request), pk=request_id)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    decision = services.account_request_approve(actor=viewer_of(request), request=found, note=note)
    if decision.initial_password:
        return _opened_page(request, decision)
    messages.success(request, "已批准，账号已注销，其登录会话已结束。")
    return redirect("accounts:request", request_id=found.pk)


@require_POST
@login_required
def request_reject_view(request: HttpRequest, request_id: int) -> HttpResponse:
    found = selectors.account_request_for(viewer=viewer_of(request), pk=request_id)
    form = RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.account_request_reject(actor=viewer_of(request), request=found, reason=reason)
    messages.success(request, "已驳回该申请。")
    return redirect("accounts:request", request_id=found.pk)


@require_POST
@login_required
def request_withdraw_view(request: HttpRequest, request_id: int) -> HttpResponse:
    found = selectors.account_request_for(viewer=viewer_of(request), pk=request_id)
    services.account_request_withdraw(actor=viewer_of(request), request=found)
    messages.success(request, "申请已撤回。")
    return redirect("accounts:request", request_id=found.pk)
