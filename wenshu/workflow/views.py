"""Pages: 我的待办, the generic work-item page (a fallback: subject apps link to their own
richer page), and the digital office's flow definitions. Reads go through selectors (another
unit's item is a 404); changes go through services; a refusal shows on the same page with
what was typed kept."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wenshu.lib.errors import DomainError
from wenshu.workflow import registry, selectors, services
from wenshu.workflow.forms import CancelForm, DefinitionUploadForm, StepForm
from wenshu.workflow.models import ProcessDefinition, WorkItem
from wenshu.workflow.services._items import meta_for

if TYPE_CHECKING:
    from wenshu.accounts.models import User

    class AuthedRequest(HttpRequest):
        """A request behind login_required: `user` is a real person, not AnonymousUser."""

        user: User
else:
    AuthedRequest = HttpRequest

PAGE_SIZE = 50


@login_required
def todo(request: AuthedRequest) -> HttpResponse:
    items = selectors.todo_for(viewer=request.user)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(item, selectors.item_url(item)) for item in page]
    return render(request, "workflow/pages/todo.html", {"page": page, "rows": rows, "query": ""})


def _item_context(
    request: AuthedRequest,
    item: WorkItem,
    form: StepForm | None = None,
    error: str = "",
    cancel_form: CancelForm | None = None,
) -> dict[str, Any]:
    user = request.user
    instance = item.instance
    may_act = (
        item.status == WorkItem.Status.OPEN
        and selectors.acting_for(viewer=user, item=item) is not None
    )
    if may_act and form is None:
        form = StepForm(decisions=meta_for(instance, item.task_spec_id).decisions)
    subject = registry.subject(instance.subject_type)
    return {
        "item": item,
        "instance": instance,
        "subject_label": subject.label if subject else instance.subject_type,
        "history": selectors.history_for(viewer=user, instance=instance),
        "current": selectors.open_items(viewer=user, instance=instance),
        "form": form if may_act else None,
        "may_withdraw": selectors.may_withdraw(viewer=user, item=item),
        "cancel_form": cancel_form or CancelForm()
        if selectors.may_cancel(viewer=user, instance=instance)
        else None,
        "error": error,
    }


@login_required
def item_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.work_item_get(viewer=request.user, pk=pk)
    return render(request, "workflow/pages/item.html", _item_context(request, item))


@login_required
@require_POST
def item_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.work_item_get(viewer=request.user, pk=pk)
    decisions = meta_for(item.instance, item.task_spec_id).decisions
    form = StepForm(request.POST, decisions=decisions)
    if not form.is_valid():
        return render(
            request, "workflow/pages/item.html", _item_context(request, item, form), status=400
        )
    try:
        services.work_item_complete(
            actor=request.user,
            item=item,
            decision=form.cleaned_data["decision"],
            opinion=form.cleaned_data["opinion"],
        )
    except DomainError as exc:
        item = selectors.work_item_get(viewer=request.user, pk=pk)
        context = _item_context(request, item, form)
        if context["form"] is not None:  # still the viewer's to do: show it beside the fields
            form.add_error(None, exc.message)
        else:  # done meanwhile (a double click) or not theirs: no form, just the message
            context["error"] = exc.message
        return render(request, "workflow/pages/item.html", context, status=exc.status)
    messages.success(request, f"“{item.name}”已办理。")
    return redirect("workflow:item", pk=pk)


@login_required
@require_POST
def item_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.work_item_get(viewer=request.user, pk=pk)
    try:
        services.work_item_withdraw(actor=request.user, item=item)
    except DomainError as exc:
        item = selectors.work_item_get(viewer=request.user, pk=pk)
        return render(
            request,
            "workflow/pages/item.html",
            _item_context(request, item, error=exc.message),
            status=exc.status,
        )
    messages.success(request, f"已撤回“{item.name}”，该步骤重新回到待办。")
    return redirect("workflow:todo")


@login_required
@require_POST
def item_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    """Stop the whole process this item belongs to (with a reason)."""
    item = selectors.work_item_get(viewer=request.user, pk=pk)
    form = CancelForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.process_cancel(
                actor=request.user, instance=item.instance, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(request, "流程已终止，尚未办理的待办已取消。")
            return redirect("workflow:item", pk=pk)
    item = selectors.work_item_get(viewer=request.user, pk=pk)
    context = _item_context(request, item, cancel_form=form)
    if context["cancel_form"] is None:  # not theirs to cancel: the message alone
        context["error"] = "；".join(str(e) for e in form.non_field_errors()) or "不能终止该流程。"
    return render(request, "workflow/pages/item.html", context, status=status)


# --- flow definitions (市数字办) ----------------------------------------------------------


def _definitions_context(
    request: AuthedRequest, form: DefinitionUploadForm | None = None
) -> dict[str, Any]:
    rows = list(selectors.definitions_active(viewer=request.user))
    keys = registry.process_keys()
    return {
        "keys": [(k, [r for r in rows if r.key == k.key]) for k in keys],
        "form": form or DefinitionUploadForm(),
    }


@login_required
def definitions(request: AuthedRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "workflow/pages/definitions.html", _definitions_context(request))
    selectors.require_definition_admin(request.user)
    form = DefinitionUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            definition = services.definition_replace(
                actor=request.user,
                key=form.cleaned_data["key"],
                unit=form.cleaned_data["unit"],
                bpmn_xml=form.cleaned_data["bpmn_file"],
                filename=_upload_name(request),
            )
        except DomainError as exc:
            form.add_error("bpmn_file", exc.message)
        else:
            messages.success(request, f"已更换流程：{definition}。正在办理的流程仍按原版本办理。")
            return redirect("workflow:definition", pk=definition.pk)
    return render(
        request, "workflow/pages/definitions.html", _definitions_context(request, form), status=400
    )


@login_required
@require_POST
def definitions_install(request: AuthedRequest) -> HttpResponse:
    """Install the shipped flows as city defaults where none is installed yet."""
    selectors.require_definition_admin(request.user)
    for entry in registry.process_keys():
        if entry.default_file is not None:
            services.definition_install_default(key=entry.key, actor=request.user)
    messages.success(request, "已安装系统内置流程。")
    return redirect("workflow:definitions")


def _upload_name(request: AuthedRequest) -> str:
    upload = request.FILES.get("bpmn_file")
    return str(getattr(upload, "name", "") or "")


@login_required
def definition_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    definition = selectors.definition_get(viewer=request.user, pk=pk)
    versions = selectors.definition_versions(
        viewer=request.user, key=definition.key, unit_id=definition.unit_id
    )
    entry = registry.process_key(definition.key)
    return render(
        request,
        "workflow/pages/definition.html",
        {
            "definition": definition,
            "versions": versions,
            "required": sorted(entry.required_tasks) if entry else [],
        },
    )


@login_required
def definition_download(request: AuthedRequest, pk: int) -> HttpResponse:
    definition = selectors.definition_get(viewer=request.user, pk=pk)
    response = HttpResponse(
        definition.bpmn_xml.encode("utf-8"), content_type="application/xml; charset=utf-8"
    )
    name = f"{definition.key}-{definition.unit_id or 'city'}-v{definition.version}.bpmn"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def definition_reset(request: AuthedRequest, pk: int) -> HttpResponse:
    definition: ProcessDefinition = selectors.definition_get(viewer=request.user, pk=pk)
    if definition.unit is None:
        messages.error(request, "全市默认流程不能恢复默认，请上传新的文件更换。")
        return redirect("workflow:definition", pk=pk)
    services.definition_reset(actor=request.user, key=definition.key, unit=definition.unit)
    messages.success(request, f"{definition.unit.full_name}已恢复使用全市默认流程。")
    return redirect("workflow:definitions")
