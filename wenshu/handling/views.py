"""Pages of 收文办理: the list, the 收文处理笺 with each step's form, 代办人, 签收情况通报.
Every view fetches through a selector (404 for another unit's data) and changes things only
through a service; a refusal shows its message on the same page with what was typed kept."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.handling import selectors, services
from wenshu.handling.forms import (
    ActForm,
    ArchiveForm,
    CirculateForm,
    ComplianceForm,
    DelegationForm,
    ProposeForm,
)
from wenshu.handling.models import Handling
from wenshu.lib.errors import DomainError
from wenshu.org.models import Department

if TYPE_CHECKING:

    class AuthedRequest(HttpRequest):
        user: User
else:
    AuthedRequest = HttpRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    return render(
        request,
        "handling/pages/index.html",
        {
            "awaiting": selectors.awaiting_me(viewer=viewer)[:100],
            "importable": selectors.importable(viewer=viewer)[:100],
            "handlings": selectors.handlings_for(viewer=viewer)[:200],
        },
    )


@login_required
@require_POST
def import_delivery(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    delivery = selectors.delivery_for_import(viewer=request.user, pk=delivery_id)
    try:
        handling = services.delivery_import(actor=request.user, delivery=delivery)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("handling:index")
    messages.success(request, "已导入办理，请填写拟办意见。")
    return redirect("handling:sheet", handling.pk)


def _unit_people(handling: Handling) -> Any:
    return User.objects.filter(unit_id=handling.unit_id, status=User.Status.ACTIVE).order_by("id")


def _forms(handling: Handling, data: Any = None, which: str = "") -> dict[str, Any]:
    people = _unit_people(handling)
    leaders = people.filter(role_grants__role=Role.UNIT_LEADER).distinct()
    depts = Department.objects.filter(unit_id=handling.unit_id, is_active=True).order_by("order")
    pick = lambda name: data if which == name else None  # noqa: E731
    return {
        "propose_form": ProposeForm(pick("propose"), leaders=leaders, departments=depts),
        "archive_form": ArchiveForm(pick("archive")),
        "circulate_form": CirculateForm(pick("circulate"), readers=leaders),
    }


def _sheet(
    request: AuthedRequest,
    handling: Handling,
    *,
    data: Any = None,
    which: str = "",
    status: int = 200,
) -> HttpResponse:
    viewer = request.user
    mine = selectors.open_items_for(viewer=viewer, handling=handling)
    ctx = {
        "h": handling,
        "steps": selectors.sheet(viewer=viewer, handling=handling),
        "open_steps": selectors.open_steps(handling=handling),
        "mine": [(i, ActForm(initial={"item_id": i.pk}, prefix=f"i{i.pk}")) for i in mine],
        "assignments": handling.assignments.select_related("department"),
        "circulations": selectors.circulations(handling=handling),
        "archive": getattr(handling, "archive", None) if handling.status == "archived" else None,
        **_forms(handling, data, which),
    }
    ctx["my_tasks"] = {i.task_spec_id for i in mine}
    ctx["my_circulation"] = any(
        c.reader_id == viewer.pk and c.read_at is None for c in ctx["circulations"]
    )
    return render(request, "handling/pages/sheet.html", ctx, status=status)


@login_required
def sheet(request: AuthedRequest, pk: int) -> HttpResponse:
    return _sheet(request, selectors.handling_get(viewer=request.user, pk=pk))


def _done(
    request: AuthedRequest, handling: Handling, call: Any, which: str, ok: str
) -> HttpResponse:
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
        return _sheet(request, handling, data=request.POST, which=which, status=400)
    messages.success(request, ok)
    return redirect("handling:sheet", handling.pk)


@login_required
@require_POST
def propose(request: AuthedRequest, pk: int) -> HttpResponse:
    handling = selectors.handling_get(viewer=request.user, pk=pk)
    form = _forms(handling, request.POST, "propose")["propose_form"]
    if not form.is_valid():
        return _sheet(request, handling, data=request.POST, which="propose", status=400)
    d = form.cleaned_data
    plan = [services.HandlerInput(department_id=x, due=d["due"]) for x in d["departments"]]
    return _done(
        request,
        handling,
        lambda: services.handling_propose(
            actor=request.user,
            handling=handling,
            opinion=d["opinion"],
            leader_ids=d["leaders"],
            handlers=plan,
        ),
        "propose",
        "拟办意见已提交。",
    )


@login_required
@require_POST
def act(request: AuthedRequest, pk: int, item_id: int) -> HttpResponse:
    handling = selectors.handling_get(viewer=request.user, pk=pk)
    form = ActForm(request.POST, prefix=f"i{item_id}")
    opinion = form.cleaned_data["opinion"] if form.is_valid() else ""
    return _done(
        request,
        handling,
        lambda: services.handling_act(
            actor=request.user, handling=handling, item_id=item_id, opinion=opinion
        ),
        "act",
        "已提交。",
    )


@login_required
@require_POST
def archive(request: AuthedRequest, pk: int) -> HttpResponse:
    handling = selectors.handling_get(viewer=request.user, pk=pk)
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        return _sheet(request, handling, data=request.POST, which="archive", status=400)
    d = form.cleaned_data
    return _done(
        request,
        handling,
        lambda: services.handling_archive(
            actor=request.user,
            handling=handling,
            retention=d["retention"],
            org_code=d["org_code"],
            pages=d["pages"],
        ),
        "archive",
        "已归档。",
    )


@login_required
@require_POST
def circulate(request: AuthedRequest, pk: int) -> HttpResponse:
    handling = selectors.handling_get(viewer=request.user, pk=pk)
    form = _forms(handling, request.POST, "circulate")["circulate_form"]
    if not form.is_valid():
        return _sheet(request, handling, data=request.POST, which="circulate", status=400)
    return _done(
        request,
        handling,
        lambda: services.circulation_send(
            actor=request.user, handling=handling, reader_ids=form.cleaned_data["readers"]
        ),
        "circulate",
        "已送传阅。",
    )


@login_required
@require_POST
def read(request: AuthedRequest, pk: int) -> HttpResponse:
    handling = selectors.handling_get(viewer=request.user, pk=pk)
    return _done(
        request,
        handling,
        lambda: services.circulation_read(actor=request.user, handling=handling),
        "read",
        "已阅知。",
    )


def _delegation_form(request: AuthedRequest, data: Any = None) -> DelegationForm:
    people = (
        User.objects.filter(unit_id=request.user.unit_id, status=User.Status.ACTIVE)
        .exclude(pk=request.user.pk)
        .order_by("id")
    )
    return DelegationForm(data, people=people)


@login_required
def delegations(request: AuthedRequest) -> HttpResponse:
    form = _delegation_form(request, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        delegate = User.objects.filter(pk=d["delegate"], unit_id=request.user.unit_id).first()
        try:
            if delegate is None:
                raise DomainError("请选择本单位人员作为代办人。")
            services.delegation_create(
                actor=request.user,
                delegate=delegate,
                starts_at=d["starts_at"],
                ends_at=d["ends_at"],
                reason=d["reason"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, "代办人已指定，到结束时间自动失效。")
            return redirect("handling:delegations")
    elif request.method == "POST":
        status = 400
    rows = selectors.delegations_of(viewer=request.user)
    return render(
        request,
        "handling/pages/delegations.html",
        {
            "form": form,
            "now": timezone.now(),
            **rows,
            "active": {
                d.pk for d in rows["mine"] + rows["for_others"] if selectors.delegation_active(d)
            },
        },
        status=status,
    )


@login_required
@require_POST
def delegation_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    row = selectors.delegation_get(viewer=request.user, pk=pk)
    try:
        services.delegation_revoke(actor=request.user, delegation=row)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "代办委托已撤销。")
    return redirect("handling:delegations")


@login_required
def compliance(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ComplianceForm(request.GET or {"start": today.replace(day=1), "end": today, "hours": 24})
    rows: list[Any] = []
    status = 200
    if form.is_valid():
        d = form.cleaned_data
        try:
            rows = services.compliance_report(
                viewer=request.user, start=d["start"], end=d["end"], hours=d["hours"]
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, exc.message)
            status = 400
        else:
            if request.GET.get("format") == "xlsx":
                body = services.compliance_xlsx(
                    rows, start=d["start"], end=d["end"], hours=d["hours"]
                )
                resp = HttpResponse(body, content_type=XLSX)
                resp["Content-Disposition"] = (
                    f'attachment; filename="compliance-{d["start"]:%Y%m%d}-{d["end"]:%Y%m%d}.xlsx"'
                )
                return resp
    else:
        status = 400
    return render(
        request,
        "handling/pages/compliance.html",
        {"form": form, "rows": rows, "query": request.GET.urlencode()},
        status=status,
    )
