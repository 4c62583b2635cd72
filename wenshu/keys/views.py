"""Pages of the key lifecycle: applicant, approver, digital office, holder, security administrator.

Thin: each view fetches through a selector (404 for what the viewer may not see), calls one
service, and shows a refusal on the same page with what was typed kept.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, RawPostDataException
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_refusal
from wenshu.keys import forms, production, selectors, services
from wenshu.keys.login import drop_ended_session
from wenshu.keys.models import KeyApplication, KeyKind, KeyLossReport, LoginKey
from wenshu.lib.errors import DomainError, NotFound
from wenshu.org.models import Unit

PAGE_SIZE = 50


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)  # every view here is behind login_required


def _refused(request: HttpRequest, form: Any, exc: DomainError) -> int:
    """Put a refusal on the form (values kept) and audit it like the middleware would."""
    if isinstance(exc, NotFound):
        raise exc
    audit_refusal(
        actor=_me(request),
        action="request.refused",
        message=exc.message,
        details={"path": request.path[:200], "method": request.method or ""},
    )
    form.add_error(None, exc.message)
    return exc.status


def _form_page(
    request: HttpRequest,
    *,
    title: str,
    form: Any,
    submit: str,
    back: str,
    status: int = 200,
    intro: str = "",
    danger: bool = False,
    facts: Any = None,
) -> HttpResponse:
    context = {
        "title": title,
        "form": form,
        "submit": submit,
        "back": back,
        "intro": intro,
        "danger": danger,
        "facts": facts,
    }
    return render(request, "keys/pages/form_page.html", context, status=status)


def _json_error(exc: DomainError) -> JsonResponse:
    return JsonResponse({"error": exc.code, "message": exc.message}, status=exc.status)


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except RawPostDataException as exc:  # a form post, already parsed: not the JSON expected
        raise DomainError("请求格式不正确（应为 JSON）。") from exc
    except ValueError as exc:
        raise DomainError("请求格式不正确（JSON 无法解析）。") from exc
    if not isinstance(body, dict):
        raise DomainError("请求格式不正确。")
    return body


# ---------------------------------------------------------------- holder and applicant


@login_required
def my_keys(request: HttpRequest) -> HttpResponse:
    keys = selectors.my_keys(viewer=_me(request))
    return render(request, "keys/pages/my_keys.html", {"keys": keys})


def _application_list(request: HttpRequest, qs: Any, *, title: str, intro: str) -> HttpResponse:
    filters = forms.ApplicationFilterForm(request.GET or None)
    if filters.is_valid():
        if filters.cleaned_data["status"]:
            qs = qs.filter(status=filters.cleaned_data["status"])
        if filters.cleaned_data["kind"]:
            qs = qs.filter(kind=filters.cleaned_data["kind"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "keys/pages/applications.html",
        {"page": page, "filters": filters, "title": title, "intro": intro},
    )


@login_required
def applications(request: HttpRequest) -> HttpResponse:
    qs = selectors.applications_for(viewer=_me(request))
    return _application_list(
        request, qs, title="密钥申请", intro="本人或本单位的密钥申请，以及办理进度。"
    )


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    if not _me(request).has_role(Role.GOV_APPROVER):
        raise NotFound()
    return _application_list(
        request,
        selectors.approval_queue(viewer=_me(request)),
        title="密钥审批",
        intro="待市政府办公室审查的密钥申请（第二十八条）。",
    )


@login_required
def office(request: HttpRequest) -> HttpResponse:
    if not _me(request).has_role(Role.CITY_ADMIN):
        raise NotFound()
    return _application_list(
        request,
        selectors.production_queue(viewer=_me(request)),
        title="密钥制作与发放",
        intro="已批准待制作、已制作待通知、已通知待领取的密钥。",
    )


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    form = forms.ApplyForm(
        request.POST or None,
        people=selectors.unit_people(viewer=_me(request)),
        initial={"intended_holder": _me(request).pk},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            app = services.key_apply(
                actor=_me(request),
                intended_holder=form.cleaned_data["intended_holder"],
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            status = _refused(request, form, exc)
        else:
            messages.success(request, "密钥申请已提交，等待市政府办公室审批。")
            return redirect("keys:application", app.pk)
    elif request.method == "POST":
        status = 400
    return _form_page(
        request,
        title="申领密钥",
        form=form,
        submit="提交申请",
        back=reverse("keys:applications"),
        status=status,
        intro="向市政府办公室申领登录密钥（第二十七条）。经批准后由市数字办制作，并通知领取。",
    )


@login_required
def application_detail(
    request: HttpRequest, pk: int, review_form: Any = None, status: int = 200
) -> HttpResponse:
    app = selectors.application_get(viewer=_me(request), pk=pk)
    user = _me(request)
    can = {
        "withdraw": app.status == KeyApplication.Status.APPLIED
        and (
            user.pk == app.applicant_id
            or (user.has_role(Role.UNIT_ADMIN) and user.unit_id == app.unit_id)
        ),
        "review": app.status == KeyApplication.Status.APPLIED and user.has_role(Role.GOV_APPROVER),
        "produce": app.status == KeyApplication.Status.APPROVED and user.has_role(Role.CITY_ADMIN),
        "notify": app.status == KeyApplication.Status.PRODUCED and user.has_role(Role.CITY_ADMIN),
        "collect": app.status == KeyApplication.Status.NOTIFIED and user.has_role(Role.CITY_ADMIN),
    }
    key = (
        getattr(app, "key", None)
        if app.status
        in (
            KeyApplication.Status.PRODUCED,
            KeyApplication.Status.NOTIFIED,
            KeyApplication.Status.COLLECTED,
        )
        else None
    )
    return render(
        request,
        "keys/pages/application_detail.html",
        {"app": app, "can": can, "key": key, "review_form": review_form or forms.ReviewForm()},
        status=status,
    )


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get(viewer=_me(request), pk=pk)
    services.key_application_withdraw(actor=_me(request), application=app)
    messages.success(request, "申请已撤回。")
    return redirect("keys:application", pk)


@login_required
@require_POST
def application_review(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get(viewer=_me(request), pk=pk)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        return application_detail(request, pk, review_form=form, status=400)
    try:
        if form.cleaned_data["decision"] == "approve":
            services.key_application_approve(
                actor=_me(request), application=app, comment=form.cleaned_data["comment"]
            )
        else:
            services.key_application_reject(
                actor=_me(request), application=app, comment=form.cleaned_data["comment"]
            )
    except DomainError as exc:
        return application_detail(
            request, pk, review_form=form, status=_refused(request, form, exc)
        )
    messages.success(request, "审批意见已记录。")
    return redirect("keys:application", pk)


# ---------------------------------------------------------------- digital office


@never_cache
@login_required
def produce(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get(viewer=_me(request), pk=pk)
    if not _me(request).has_role(Role.CITY_ADMIN):
        raise NotFound()
    form = forms.SerialForm(request.POST or None)
    status = 200
    if request.method == "POST" and app.kind == KeyKind.TOTP and form.is_valid():
        try:
            key, secret = services.key_produce_totp(
                actor=_me(request), application=app, serial=form.cleaned_data["serial"]
            )
        except DomainError as exc:
            status = _refused(request, form, exc)
        else:
            return _show_totp_secret(request, app, key, secret)
    return render(request, "keys/pages/produce.html", {"app": app, "form": form}, status=status)


def _show_totp_secret(
    request: HttpRequest, app: KeyApplication, key: LoginKey, secret: str
) -> HttpResponse:
    from wenshu.keys import totp

    uri = totp.provisioning_uri(secret, account=app.intended_holder.username)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    response = render(
        request,
        "keys/pages/totp_secret.html",
        {"app": app, "key": key, "secret": grouped, "qr": totp.qr_data_uri(uri), "uri": uri},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def register_options(request: HttpRequest, pk: int) -> JsonResponse:
    try:
        app = selectors.application_get(viewer=_me(request), pk=pk)
        options = production.register_begin(
            actor=_me(request), application=app, session=request.session
        )
    except DomainError as exc:
        return _json_error(exc)
    return JsonResponse(options)


@login_required
@require_POST
def register_verify(request: HttpRequest, pk: int) -> JsonResponse:
    try:
        app = selectors.application_get(viewer=_me(request), pk=pk)
        body = _json_body(request)
        key = production.register_finish(
            actor=_me(request),
            application=app,
            session=request.session,
            credential=body.get("credential"),
            serial=str(body.get("serial") or ""),
        )
    except DomainError as exc:
        return _json_error(exc)
    messages.success(request, f"安全密钥已登记（编号 {key.serial}），请发出领取通知。")
    return JsonResponse(
        {"ok": True, "key": key.pk, "redirect": reverse("keys:application", args=[pk])}
    )


@login_required
@require_POST
def application_notify(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get(viewer=_me(request), pk=pk)
    services.key_notify(actor=_me(request), application=app)
    messages.success(request, "领取通知已发出（站内通知和短信）。")
    return redirect("keys:application", pk)


@login_required
def application_collect(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get(viewer=_me(request), pk=pk)
    form = forms.CollectForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.key_collect(
                actor=_me(request),
                application=app,
                collected_by_name=form.cleaned_data["collected_by_name"],
                method=form.cleaned_data["collection_method"],
                collected_at=form.cleaned_data["collected_at"],
            )
        except DomainError as exc:
            status = _refused(request, form, exc)
        else:
            messages.success(request, "领取已登记，密钥开始使用。")
            return redirect("keys:application", pk)
    elif request.method == "POST":
        status = 400
    return _form_page(
        request,
        title=f"登记领取 · {app}",
        form=form,
        submit="登记领取",
        back=reverse("keys:application", args=[pk]),
        status=status,
        intro=f"拟使用人：{app.intended_holder.display_name}（{app.unit.short_name}）。"
        "由申请单位指派专人领取，或以机要传输手段领取（第二十九条）。",
    )


# ---------------------------------------------------------------- registry and keys


@login_required
def registry(request: HttpRequest) -> HttpResponse:
    city_wide = _me(request).has_role(*selectors.CITY_WIDE)
    if not (city_wide or _me(request).has_role(Role.UNIT_ADMIN)):
        raise NotFound()
    units = Unit.objects.order_by("id") if city_wide else None
    filters = forms.RegistryFilterForm(request.GET or None, units=units)
    data = filters.cleaned_data if filters.is_valid() else {}
    unit = data.get("unit")
    qs = selectors.keys_for(
        viewer=_me(request),
        status=data.get("status") or None,
        kind=data.get("kind") or None,
        unit_id=unit.pk if unit else None,
        query=(data.get("q") or "").strip(),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "keys/pages/registry.html", {"page": page, "filters": filters})


@login_required
def key_detail(request: HttpRequest, pk: int) -> HttpResponse:
    key = selectors.key_get(viewer=_me(request), pk=pk)
    user = _me(request)
    live = key.status in (
        LoginKey.Status.PRODUCED,
        LoginKey.Status.ISSUED,
        LoginKey.Status.ACTIVE,
        LoginKey.Status.SUSPENDED,
    )
    can = {
        "loss": live
        and (user.pk == key.holder_id or user.has_role(Role.UNIT_ADMIN, Role.CITY_ADMIN)),
        "holder": live and user.has_role(Role.CITY_ADMIN),
        "revoke": live
        and (
            user.has_role(Role.CITY_ADMIN)
            or (user.has_role(Role.SECURITY_ADMIN) and key.status == LoginKey.Status.SUSPENDED)
        ),
        "reinstate": key.status == LoginKey.Status.SUSPENDED and user.has_role(Role.SECURITY_ADMIN),
    }
    history = selectors.key_history(viewer=user, key=key)
    return render(request, "keys/pages/key_detail.html", {"key": key, "can": can, **history})


@login_required
def key_report_loss(request: HttpRequest, pk: int) -> HttpResponse:
    key = selectors.key_get(viewer=_me(request), pk=pk)
    form = forms.LossForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            report = services.key_report_loss(
                actor=_me(request), key=key, circumstances=form.cleaned_data["circumstances"]
            )
        except DomainError as exc:
            status = _refused(request, form, exc)
        else:
            ended_here = drop_ended_session(request)
            messages.success(
                request,
                f"密钥 {key.serial} 已挂失并停用，已结束 {report.sessions_ended} 个登录会话。",
            )
            if ended_here:
                return redirect("accounts:login")
            return redirect("keys:loss", report.pk)
    elif request.method == "POST":
        status = 400
    return _form_page(
        request,
        title=f"挂失密钥 {key.serial}",
        form=form,
        submit="立即挂失",
        danger=True,
        back=reverse("keys:key", args=[pk]),
        status=status,
        intro=f"使用人：{key.holder.display_name}。挂失后该密钥立即注销，不能恢复（第三十二条）。",
    )


@login_required
def key_holder_change(request: HttpRequest, pk: int) -> HttpResponse:
    key = selectors.key_get(viewer=_me(request), pk=pk)
    if not _me(request).has_role(Role.CITY_ADMIN):
        raise NotFound()
    form = forms.HolderChangeForm(
        request.POST or None, people=selectors.colleagues_of(viewer=_me(request), key=key)
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.key_holder_change(
                actor=_me(request),
                key=key,
                new_holder=form.cleaned_data["new_holder"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            status = _refused(request, form, exc)
        else:
            messages.success(request, "使用人变更已备案，新使用人下次登录须修改密码。")
            return redirect("keys:key", pk)
    elif request.method == "POST":
        status = 400
    return _form_page(
        request,
        title=f"变更使用人 · {key.serial}",
        form=form,
        submit="备案变更",
        back=reverse("keys:key", args=[pk]),
        status=status,
        intro=f"现使用人：{key.holder.display_name}（{key.holder.unit.short_name}）。"
        "密钥使用人变动须报市数字办备案（第三十一条）。",
    )


def _reason_action(
    request: HttpRequest, pk: int, *, title: str, submit: str, intro: str, run: Any, done: str
) -> HttpResponse:
    key = selectors.key_get(viewer=_me(request), pk=pk)
    form = forms.ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            run(key, form.cleaned_data["reason"])
        except DomainError as exc:
            status = _refused(request, form, exc)
        else:
            if drop_ended_session(request):
                return redirect("accounts:login")
            messages.success(request, done)
            return redirect("keys:key", pk)
    elif request.method == "POST":
        status = 400
    return _form_page(
        request,
        title=f"{title} · {key.serial}",
        form=form,
        submit=submit,
        danger=True,
        back=reverse("keys:key", args=[pk]),
        status=status,
        intro=intro,
    )


@login_required
def key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_action(
        request,
        pk,
        title="注销密钥",
        submit="注销",
        intro="注销后该密钥不能再用于登录，使用它登录的会话立即结束。",
        run=lambda key, reason: services.key_revoke(actor=_me(request), key=key, reason=reason),
        done="密钥已注销。",
    )


@login_required
def key_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_action(
        request,
        pk,
        title="恢复使用",
        submit="恢复使用",
        intro="请确认已核查签名计数异常的原因（例如持有人在其他系统使用过同一密钥），并排除密钥被复制的可能。",
        run=lambda key, note: services.key_reinstate(actor=_me(request), key=key, note=note),
        done="密钥已恢复使用。",
    )


# ---------------------------------------------------------------- losses


@login_required
def losses(request: HttpRequest) -> HttpResponse:
    qs = selectors.losses_for(viewer=_me(request))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "keys/pages/losses.html", {"page": page})


@login_required
def loss_detail(
    request: HttpRequest, pk: int, findings_form: Any = None, status: int = 200
) -> HttpResponse:
    report = selectors.loss_get(viewer=_me(request), pk=pk)
    user = _me(request)
    own_unit = user.unit_id == report.unit_id
    can = {
        "findings": report.status == KeyLossReport.Status.REPORTED
        and own_unit
        and user.has_role(Role.UNIT_ADMIN, Role.UNIT_LEADER),
        "reapply": report.status == KeyLossReport.Status.FINDINGS
        and own_unit
        and (user.pk == report.holder_id or user.has_role(Role.UNIT_ADMIN)),
    }
    return render(
        request,
        "keys/pages/loss_detail.html",
        {
            "report": report,
            "can": can,
            "findings_form": findings_form or forms.FindingsForm(),
            "reapplications": report.reapplications.select_related("intended_holder"),
        },
        status=status,
    )


@login_required
@require_POST
def loss_findings(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.loss_get(viewer=_me(request), pk=pk)
    form = forms.FindingsForm(request.POST)
    if not form.is_valid():
        return loss_detail(request, pk, findings_form=form, status=400)
    try:
        services.key_loss_findings(
            actor=_me(request),
            report=report,
            findings=form.cleaned_data["findings"],
            handling=form.cleaned_data["handling"],
        )
    except DomainError as exc:
        return loss_detail(request, pk, findings_form=form, status=_refused(request, form, exc))
    messages.success(request, "查明的原因已记录。需要时可重新申领密钥。")
    return redirect("keys:loss", pk)


@login_required
def loss_reapply(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.loss_get(viewer=_me(request), pk=pk)
    form = forms.ReapplyForm(request.POST or None, initial={"kind": report.key.kind})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            app = services.key_reapply(
                actor=_me(request),
                report=report,
                reason=form.cleaned_data["reason"],
                kind=form.cleaned_data["kind"],
            )
        except DomainError as exc:
            status = _refused(request, form, exc)
        else:
            messages.success(request, "重新申领的申请已提交。")
            return redirect("keys:application", app.pk)
    elif request.method == "POST":
        status = 400
    return _form_page(
        request,
        title=f"重新申领密钥 · {report.holder.display_name}",
        form=form,
        submit="提交申请",
        back=reverse("keys:loss", args=[pk]),
        status=status,
        intro="按照申领程序重新申请更换（第三十二条）。申请将关联本次挂失记录。",
    )


# ---------------------------------------------------------------- security administrator


@login_required
def policy(request: HttpRequest) -> HttpResponse:
    from wenshu.keys.policy import effective_mode

    current, rules = selectors.policy_view(viewer=_me(request))
    mode_form = forms.PolicyForm(
        request.POST if request.POST.get("form") == "mode" else None,
        initial={"mode": current.mode if current else ""},
    )
    rule_form = forms.PolicyRuleForm(request.POST if request.POST.get("form") == "rule" else None)
    status = 200
    if request.method == "POST":
        status = _policy_post(request, mode_form, rule_form)
        if status == 302:
            return redirect("keys:policy")
    return render(
        request,
        "keys/pages/policy.html",
        {
            "mode_form": mode_form,
            "rule_form": rule_form,
            "rules": rules,
            "effective": effective_mode(),
            "policy": current,
        },
        status=status,
    )


def _policy_post(request: HttpRequest, mode_form: Any, rule_form: Any) -> int:
    form = mode_form if request.POST.get("form") == "mode" else rule_form
    if not form.is_bound or not form.is_valid():
        return 400
    try:
        if form is mode_form:
            services.key_policy_set(actor=_me(request), mode=form.cleaned_data["mode"])
        else:
            data = form.cleaned_data
            services.key_policy_rule_add(
                actor=_me(request),
                unit=data["unit"],
                role=data["role"],
                required=data["required"],
                note=data["note"],
            )
    except DomainError as exc:
        return _refused(request, form, exc)
    messages.success(request, "密钥策略已保存。")
    return 302


@login_required
@require_POST
def policy_rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = selectors.policy_rule_get(viewer=_me(request), pk=pk)
    services.key_policy_rule_remove(actor=_me(request), rule=rule)
    messages.success(request, "例外规则已删除。")
    return redirect("keys:policy")


@login_required
def suspended(request: HttpRequest) -> HttpResponse:
    if not _me(request).has_role(Role.SECURITY_ADMIN, Role.CITY_ADMIN):
        raise NotFound()
    keys = selectors.suspended_keys(viewer=_me(request))
    return render(request, "keys/pages/suspended.html", {"keys": keys})
