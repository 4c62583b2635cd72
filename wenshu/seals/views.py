"""Pages of the seals app. Each view fetches through a selector (404 for another unit's data)
and changes things only through a service; a refused rule shows its message on the same page
with what was typed kept."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wenshu.accounts.roles import Role
from wenshu.lib import gm
from wenshu.lib.errors import DomainError, NotFound
from wenshu.seals import selectors, services
from wenshu.seals.forms import (
    ApplicationForm,
    ConfirmForm,
    DecisionForm,
    LossForm,
    ProductionForm,
    RegistryFilterForm,
    RulesForm,
    UseRequestForm,
    VerifyForm,
)
from wenshu.seals.models import DestructionParty, Seal, SealApplication, SealUseRequest

if TYPE_CHECKING:
    from wenshu.accounts.models import User

    class AuthedRequest(HttpRequest):
        """A request behind login_required: `user` is a real person, not AnonymousUser."""

        user: User
else:
    AuthedRequest = HttpRequest

PAGE_SIZE = 50


def _status(exc: DomainError) -> int:
    return exc.status


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- seals ---------------------------------------------------------------------------------


@login_required
def registry(request: AuthedRequest) -> HttpResponse:
    units = selectors.registry_units(viewer=request.user)
    form = RegistryFilterForm(request.GET or None, units=units)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    seals = selectors.seal_registry(
        viewer=request.user,
        unit_id=filters.get("unit"),
        status=filters.get("status", ""),
        seal_type=filters.get("seal_type", ""),
        q=filters.get("q", ""),
    )
    page = Paginator(seals, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "seals/pages/registry.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
def unit_seals(request: AuthedRequest) -> HttpResponse:
    seals = selectors.seals_of_unit(viewer=request.user)
    may_apply = request.user.has_role(Role.CLERK, Role.UNIT_ADMIN)
    return render(request, "seals/pages/unit_seals.html", {"seals": seals, "may_apply": may_apply})


def _seal_context(request: AuthedRequest, seal: Seal, **extra: Any) -> dict[str, Any]:
    user = request.user
    own = user.unit_id == seal.unit_id
    custodians = list(selectors.seal_custodians(seal=seal))
    keeper = any(c.person_id == user.pk for c in custodians)
    live = seal.status in (Seal.Status.IN_USE, Seal.Status.SUSPENDED)
    return {
        "seal": seal,
        "custodians": custodians,
        "own": own,
        "applications": selectors.applications_list(viewer=user).filter(old_seal=seal),
        "uses": selectors.use_requests_of_seal(viewer=user, seal=seal)[:20] if own else [],
        "may_report_loss": own
        and seal.status == Seal.Status.IN_USE
        and (keeper or user.has_role(Role.UNIT_ADMIN, Role.UNIT_LEADER)),
        "may_apply": own and live and user.has_role(Role.CLERK, Role.UNIT_ADMIN),
        "may_use": own
        and seal.status == Seal.Status.IN_USE
        and user.has_role(Role.CLERK, Role.UNIT_ADMIN),
        "loss_form": extra.pop("loss_form", None) or LossForm(),
        **extra,
    }


@login_required
def seal_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    seal = selectors.seal_get(viewer=request.user, pk=pk)
    return render(request, "seals/pages/seal_detail.html", _seal_context(request, seal))


@login_required
def seal_picture(request: AuthedRequest, pk: int) -> HttpResponse:
    png = selectors.seal_picture(viewer=request.user, pk=pk)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def seal_download(request: AuthedRequest, pk: int) -> HttpResponse:
    """The public SES_Seal (picture, certificates, maker signature): never the key."""
    seal = selectors.seal_get(viewer=request.user, pk=pk, full=True)
    return _download(bytes(seal.seal_der), f"{seal.es_id}.seal.der", "application/octet-stream")


@login_required
@require_POST
def seal_loss(request: AuthedRequest, pk: int) -> HttpResponse:
    seal = selectors.seal_get(viewer=request.user, pk=pk)
    form = LossForm(request.POST)
    if form.is_valid():
        try:
            services.seal_report_loss(
                actor=request.user, seal=seal, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return render(
                request,
                "seals/pages/seal_detail.html",
                _seal_context(request, seal, loss_form=form),
                status=_status(exc),
            )
        messages.success(request, "印章已挂失，立即停止使用。")
        return redirect("seals:seal", pk=pk)
    return render(
        request,
        "seals/pages/seal_detail.html",
        _seal_context(request, seal, loss_form=form),
        status=400,
    )


# --- applications ----------------------------------------------------------------------------


@login_required
def applications(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in SealApplication.Status.values else ""
    rows = selectors.applications_list(viewer=request.user, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "seals/pages/applications.html",
        {
            "page": page,
            "status": status,
            "statuses": SealApplication.Status.choices,
            "may_apply": request.user.has_role(Role.CLERK, Role.UNIT_ADMIN),
        },
    )


def _application_form(request: AuthedRequest, data: Any = None) -> ApplicationForm:
    initial = {
        "kind": request.GET.get("kind", "new"),
        "old_seal": request.GET.get("seal"),
        "threshold_k": 1,
    }
    return ApplicationForm(
        data,
        initial=initial,
        old_seals=selectors.changeable_seals(viewer=request.user),
        custodians=selectors.custodian_candidates(viewer=request.user),
    )


@login_required
def application_new(request: AuthedRequest) -> HttpResponse:
    form = _application_form(request, request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            app = services.seal_application_submit(
                actor=request.user,
                data=services.ApplicationInput(
                    kind=data["kind"],
                    reason=data["reason"],
                    seal_type=data["seal_type"],
                    change_reason=data["change_reason"],
                    old_seal=data["old_seal"],
                    custodians=list(data["custodians"]),
                    threshold_k=data["threshold_k"],
                ),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = _status(exc)
        else:
            messages.success(request, "申请已提交，等待本单位负责人签字。")
            return redirect("seals:application", pk=app.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "seals/pages/application_form.html", {"form": form}, status=status)


def _application_context(
    request: AuthedRequest, app: SealApplication, **forms: Any
) -> dict[str, Any]:
    user = request.user
    seal = app.old_seal
    parties = selectors.parties_of(viewer=user, seal=seal) if seal else []
    done = selectors.confirmations(seal=seal) if seal and app.kind == app.Kind.DESTROY else {}
    open_parties = [p for p in parties if p not in done]
    approved = app.status == app.Status.APPROVED
    destroying = approved and app.kind == app.Kind.DESTROY
    return {
        "app": app,
        "custodians": list(app.custodians.all()),
        "confirmations": done,
        "all_parties": _party_rows(done),
        "may_sign_off": app.status == app.Status.SUBMITTED
        and user.unit_id == app.unit_id
        and user.has_role(Role.UNIT_LEADER),
        "may_decide": app.status == app.Status.SIGNED and user.has_role(Role.GOV_APPROVER),
        "may_withdraw": app.status == app.Status.SUBMITTED and app.requested_by_id == user.pk,
        "may_produce": approved and app.kind != app.Kind.DESTROY and user.has_role(Role.CITY_ADMIN),
        "may_confirm": destroying and bool(open_parties),
        "may_destroy": destroying and user.has_role(Role.CITY_ADMIN),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "production_form": forms.get("production_form") or ProductionForm(),
        "confirm_form": forms.get("confirm_form") or ConfirmForm(parties=open_parties),
        "error": forms.get("error", ""),
    }


def _party_rows(done: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [(code, label, done.get(code)) for code, label in DestructionParty.choices]


@login_required
def application_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    app = selectors.application_get(viewer=request.user, pk=pk)
    return render(
        request, "seals/pages/application_detail.html", _application_context(request, app)
    )


def _refused(
    request: AuthedRequest, app: SealApplication, exc: DomainError, **forms: Any
) -> HttpResponse:
    app = selectors.application_get(viewer=request.user, pk=app.pk)  # state after the rollback
    context = _application_context(request, app, error=exc.message, **forms)
    return render(request, "seals/pages/application_detail.html", context, status=_status(exc))


def _decision_view(
    request: AuthedRequest, pk: int, service: Any, done_message: str
) -> HttpResponse:
    app = selectors.application_get(viewer=request.user, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _refused(request, app, DomainError("意见不能超过 500 字"), decision_form=form)
    approve = request.POST.get("decision") == "approve"
    try:
        service(
            actor=request.user,
            application=app,
            approve=approve,
            opinion=form.cleaned_data["opinion"],
        )
    except DomainError as exc:
        return _refused(request, app, exc, decision_form=form)
    messages.success(request, done_message if approve else "已退回（不同意）。")
    return redirect("seals:application", pk=pk)


@login_required
@require_POST
def application_sign_off(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decision_view(
        request, pk, services.seal_application_sign_off, "已签字同意，报市政府办公室审批。"
    )


@login_required
@require_POST
def application_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decision_view(request, pk, services.seal_application_decide, "已批准，转市数字办办理。")


@login_required
@require_POST
def application_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    app = selectors.application_get(viewer=request.user, pk=pk)
    try:
        services.seal_application_withdraw(actor=request.user, application=app)
    except DomainError as exc:
        return _refused(request, app, exc)
    messages.success(request, "申请已撤回。")
    return redirect("seals:application", pk=pk)


@login_required
@require_POST
def application_produce(request: AuthedRequest, pk: int) -> HttpResponse:
    app = selectors.application_get(viewer=request.user, pk=pk)
    form = ProductionForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, app, DomainError("请检查制作参数"), production_form=form)
    data = services.ProductionInput(
        picture_png=form.cleaned_data["picture"],
        diameter_mm=form.cleaned_data["diameter_mm"],
        valid_years=form.cleaned_data["valid_years"],
    )
    try:
        seal = services.seal_produce(actor=request.user, application=app, data=data)
    except DomainError as exc:
        return _refused(request, app, exc, production_form=form)
    messages.success(request, f"印章已制作并启用：{seal.es_id}")
    return redirect("seals:seal", pk=seal.pk)


@login_required
@require_POST
def destruction_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    app = selectors.application_get(viewer=request.user, pk=pk)
    parties = selectors.parties_of(viewer=request.user, seal=app.old_seal) if app.old_seal else []
    form = ConfirmForm(request.POST, parties=parties)
    if not form.is_valid():
        return _refused(request, app, DomainError("请选择您代表的到场方"), confirm_form=form)
    try:
        services.seal_destruction_confirm(
            actor=request.user,
            application=app,
            party=form.cleaned_data["party"],
            attendee_name=form.cleaned_data["attendee_name"],
        )
    except DomainError as exc:
        return _refused(request, app, exc, confirm_form=form)
    messages.success(request, "已确认到场。")
    return redirect("seals:application", pk=pk)


@login_required
@require_POST
def destroy(request: AuthedRequest, pk: int) -> HttpResponse:
    app = selectors.application_get(viewer=request.user, pk=pk)
    try:
        seal = services.seal_destroy(actor=request.user, application=app)
    except DomainError as exc:
        return _refused(request, app, exc)
    messages.success(request, f"印章 {seal.es_id} 的密钥已销毁。")
    return redirect("seals:seal", pk=seal.pk)


@login_required
def queue(request: AuthedRequest, which: str) -> HttpResponse:
    rows = selectors.application_queue(viewer=request.user, which=which)
    return render(
        request,
        "seals/pages/queue.html",
        {"rows": rows, "title": selectors.QUEUES[which], "which": which},
    )


# --- use of a seal ---------------------------------------------------------------------------


@login_required
def use_queue(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "seals/pages/use_queue.html",
        {
            "rows": selectors.custodian_queue(viewer=request.user),
            "kept": selectors.seals_kept_by(viewer=request.user),
            "rules": selectors.rules_of_unit(viewer=request.user),
        },
    )


def _digest_of(form: UseRequestForm | VerifyForm) -> str:
    upload = form.cleaned_data.get("data_file")
    if upload is not None:
        return gm.sm3_hex(upload.read())
    return form.cleaned_data["digest_hex"]


@login_required
def use_request_new(request: AuthedRequest, seal_pk: int) -> HttpResponse:
    seal = selectors.seal_get(viewer=request.user, pk=seal_pk)
    if seal.unit_id != request.user.unit_id:
        raise NotFound("找不到该印章，或您无权查看。")
    form = UseRequestForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            req = services.seal_use_request(
                actor=request.user,
                seal=seal,
                digest_hex=_digest_of(form),
                purpose=form.cleaned_data["purpose"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = _status(exc)
        else:
            messages.success(request, "用印申请已提交，等待保管人审批。")
            return redirect("seals:use_request", pk=req.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request, "seals/pages/use_request_form.html", {"form": form, "seal": seal}, status=status
    )


def _use_context(request: AuthedRequest, req: SealUseRequest, **extra: Any) -> dict[str, Any]:
    user = request.user
    keeper = selectors.is_custodian(viewer=user, seal_id=req.seal_id)
    decided = req.approvals.filter(custodian=user).exists()
    return {
        "req": req,
        "approvals": req.approvals.select_related("custodian"),
        "may_decide": keeper
        and not decided
        and req.status == req.Status.PENDING
        and req.requested_by_id != user.pk,
        "may_sign": req.status == req.Status.APPROVED
        and user.unit_id == req.seal.unit_id
        and (req.requested_by_id == user.pk or user.has_role(Role.CLERK)),
        "may_cancel": req.status in (req.Status.PENDING, req.Status.APPROVED)
        and user.unit_id == req.seal.unit_id
        and (req.requested_by_id == user.pk or user.has_role(Role.CLERK, Role.UNIT_ADMIN)),
        "decision_form": extra.pop("decision_form", None) or DecisionForm(),
        **extra,
    }


@login_required
def use_request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    req = selectors.use_request_get(viewer=request.user, pk=pk)
    return render(request, "seals/pages/use_request_detail.html", _use_context(request, req))


def _use_refused(request: AuthedRequest, pk: int, exc: DomainError, **extra: Any) -> HttpResponse:
    req = selectors.use_request_get(viewer=request.user, pk=pk)
    return render(
        request,
        "seals/pages/use_request_detail.html",
        _use_context(request, req, error=exc.message, **extra),
        status=_status(exc),
    )


@login_required
@require_POST
def use_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    req = selectors.use_request_get(viewer=request.user, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _use_refused(request, pk, DomainError("意见不能超过 300 字"), decision_form=form)
    try:
        services.seal_use_decide(
            actor=request.user,
            request=req,
            approve=request.POST.get("decision") == "approve",
            opinion=form.cleaned_data["opinion"],
        )
    except DomainError as exc:
        return _use_refused(request, pk, exc, decision_form=form)
    messages.success(request, "审批意见已记录。")
    return redirect("seals:use_request", pk=pk)


@login_required
@require_POST
def use_sign(request: AuthedRequest, pk: int) -> HttpResponse:
    req = selectors.use_request_get(viewer=request.user, pk=pk)
    try:
        signed = services.seal_sign(actor=request.user, request=req)
    except DomainError as exc:
        return _use_refused(request, pk, exc)
    messages.success(request, f"已用印（{signed.es_id}），可下载电子签章文件。")
    return redirect("seals:use_request", pk=pk)


@login_required
@require_POST
def use_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    req = selectors.use_request_get(viewer=request.user, pk=pk)
    reason = request.POST.get("reason", "")
    try:
        services.seal_use_cancel(actor=request.user, request=req, reason=reason)
    except DomainError as exc:
        return _use_refused(request, pk, exc, cancel_reason=reason)
    messages.success(request, "用印申请已撤销，保管人的待审批事项已撤下。")
    return redirect("seals:use_request", pk=pk)


@login_required
def use_signature_download(request: AuthedRequest, pk: int) -> HttpResponse:
    req = selectors.use_request_get(viewer=request.user, pk=pk)
    der = selectors.use_signature(viewer=request.user, pk=req.pk)
    return _download(der, f"{req.seal.es_id}-{req.pk}.ses", "application/octet-stream")


# --- rules and verification ------------------------------------------------------------------


@login_required
def rules(request: AuthedRequest) -> HttpResponse:
    current = selectors.rules_of_unit(viewer=request.user)
    may_edit = selectors.may_edit_rules(viewer=request.user)
    form = RulesForm(request.POST or None, initial={"text": current.text if current else ""})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.seal_rules_update(actor=request.user, text=form.cleaned_data["text"])
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = _status(exc)
        else:
            messages.success(request, "印章管理办法已保存。")
            return redirect("seals:rules")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "seals/pages/rules.html",
        {"rules": current, "form": form, "may_edit": may_edit},
        status=status,
    )


@login_required
def verify(request: AuthedRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None, request.FILES or None)
    verdict, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            verdict = services.seal_verify(
                signature_der=form.cleaned_data["signature"].read(), digest_hex=_digest_of(form)
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = _status(exc)
    elif request.method == "POST":
        status = 400
    return render(
        request, "seals/pages/verify.html", {"form": form, "verdict": verdict}, status=status
    )


@login_required
def maker_certificates(request: HttpRequest) -> HttpResponse:
    """The seal-making authority's certificates (PEM), for offline package verification."""
    pem = selectors.maker_certificates_pem()
    if not pem:
        raise NotFound("制章机构尚未建立，暂无证书。")
    response = HttpResponse(pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="wenshu-seal-maker.pem"'
    return response
