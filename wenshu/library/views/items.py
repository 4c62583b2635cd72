"""A document's page and what can be done to it: versions, check-out/in, sharing, scope."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wenshu.lib.errors import DomainError, Forbidden
from wenshu.library import access, selectors, services
from wenshu.library.downloads import verified_download
from wenshu.library.forms import (
    BreakLockForm,
    CheckinForm,
    ItemEditForm,
    ScopeForm,
    ShareForm,
    VersionForm,
)
from wenshu.library.models import Item
from wenshu.library.views._common import AuthedRequest, attempt, ingest, page


def _item_context(request: AuthedRequest, item: Item) -> dict[str, Any]:
    viewer = request.user
    level = selectors.item_level(viewer=viewer, item=item)
    held_by_me = item.checked_out_by_id == viewer.pk
    may_upload = level >= access.Level.WRITE and (not item.checked_out_by_id or held_by_me)
    return {
        "item": item,
        "level": level,
        "may_write": level >= access.Level.WRITE,
        "may_manage": level >= access.Level.MANAGE,
        "may_upload": may_upload,
        "held_by_me": held_by_me,
        "may_break": bool(item.checked_out_by_id)
        and not held_by_me
        and access.may_break_lock(viewer, item),
        "may_set_scope": access.may_set_scope(viewer, item),
        "folder_visible": access.folder_visible(viewer, item.folder),
        "versions": selectors.item_versions(viewer=viewer, item=item),
        "shares": selectors.item_shares(viewer=viewer, item=item),
        "scope_units": list(item.scope_units.all()) if item.scope == "units" else [],
        "version_form": None,
    }


@login_required
@require_GET
def item_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.item_for_viewer(viewer=request.user, item_id=pk)
    context = _item_context(request, item)
    if context["may_upload"]:
        current = item.current_version.number if item.current_version else None
        context["version_form"] = VersionForm(initial={"base_version": current})
    return page(request, "item.html", context)


@login_required
@require_POST
def version_new(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    item = selectors.item_for_viewer(viewer=viewer, item_id=pk)
    form = VersionForm(request.POST, request.FILES)
    services.library_version_precheck(actor=viewer, item=item)  # before the file is stored
    if form.is_valid():
        stored = ingest(form, actor=viewer)
        data = form.cleaned_data
        version = stored and attempt(
            form,
            lambda: services.library_version_add(
                actor=viewer,
                item=item,
                upload=stored,
                note=data["note"],
                base_version=data["base_version"],
            ),
        )
        if version:
            messages.success(request, f"已上传第 {version.number} 版。")
            return redirect("library:item", pk=item.pk)
    context = _item_context(request, item)
    context["version_form"] = form
    return page(request, "item.html", context, form)


@login_required
@require_GET
def download(request: AuthedRequest, pk: int, number: int) -> HttpResponse:
    viewer = request.user
    item = selectors.item_for_viewer(viewer=viewer, item_id=pk)
    version = selectors.version_for_viewer(viewer=viewer, item=item, number=number)
    return verified_download(actor=viewer, item=item, version=version)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    item = selectors.item_for_viewer(viewer=viewer, item_id=pk)
    form = ItemEditForm(
        request.POST or None, initial={"title": item.title, "description": item.description}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: services.library_item_update(
                actor=viewer, item=item, title=data["title"], description=data["description"]
            ),
        ):
            messages.success(request, "文档信息已保存。")
            return redirect("library:item", pk=item.pk)
    return page(
        request,
        "item_form.html",
        {"item": item, "form": form, "title": "编辑文档信息", "submit": "保存"},
        form,
    )


def _act(request: AuthedRequest, item: Item, call: Any, done: str) -> HttpResponse:
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("library:item", pk=item.pk)


@login_required
@require_POST
def checkout(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.item_for_viewer(viewer=request.user, item_id=pk)
    return _act(
        request,
        item,
        lambda: services.library_item_checkout(actor=request.user, item=item),
        "已签出。签入前只有您可以上传新版本；修改完成后请签入。",
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    item = selectors.item_for_viewer(viewer=viewer, item_id=pk)
    form = CheckinForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and _checkin_post(request, item, form):
        return redirect("library:item", pk=item.pk)
    return page(
        request,
        "item_form.html",
        {"item": item, "form": form, "title": "签入文档", "submit": "签入", "multipart": True},
        form,
    )


def _checkin_post(request: AuthedRequest, item: Item, form: CheckinForm) -> bool:
    viewer = request.user
    if item.checked_out_by_id != viewer.pk:  # refused before the file is scanned and stored
        form.add_error(None, "该文档不是由您签出的，不能签入。页面可能已过期，请刷新后查看。")
        return False
    stored = ingest(form, actor=viewer)
    if form.errors:
        return False
    done = attempt(
        form,
        lambda: services.library_item_checkin(
            actor=viewer, item=item, upload=stored, note=form.cleaned_data["note"]
        ),
    )
    if done is not None:
        messages.success(request, "已签入" + ("，并上传了新版本。" if stored else "。"))
    return done is not None


@login_required
@require_http_methods(["GET", "POST"])
def break_lock(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    item = selectors.locked_item_for_manager(viewer=viewer, item_id=pk)
    if not access.may_break_lock(viewer, item):
        raise Forbidden("只有本单位文档管理员或单位系统管理员可以解除他人的签出。")
    form = BreakLockForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.library_lock_break(
                actor=viewer, item=item, reason=form.cleaned_data["reason"]
            ),
        )
    ):
        messages.success(request, f"已解除《{item.title}》的签出，并已通知签出人。")
        readable = selectors.items_visible_to(viewer=viewer).filter(pk=item.pk).exists()
        return redirect("library:item", pk=item.pk) if readable else redirect("library:locks")
    return page(request, "break_lock.html", {"item": item, "form": form}, form)


@login_required
@require_http_methods(["GET", "POST"])
def share(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    item = selectors.item_for_viewer(viewer=viewer, item_id=pk)
    if selectors.item_level(viewer=viewer, item=item) < access.Level.MANAGE:
        raise Forbidden(services.sharing.NO_MANAGE)
    form = ShareForm(request.POST or None, units=selectors.share_units(viewer=viewer))
    if request.method == "POST" and form.is_valid() and _share_post(request, item, form):
        return redirect("library:share", pk=item.pk)
    context = {
        "item": item,
        "form": form,
        "shares": selectors.item_shares(viewer=viewer, item=item),
        "outside_allowed": access.may_share_outside_unit(viewer, item),
    }
    return page(request, "share.html", context, form)


def _share_post(request: AuthedRequest, item: Item, form: ShareForm) -> bool:
    viewer, data = request.user, form.cleaned_data

    def call() -> Any:
        person = (
            selectors.share_person_by_username(viewer=viewer, username=data["username"])
            if data["username"].strip()
            else None
        )
        return services.library_share_set(
            actor=viewer,
            item=item,
            access_level=data["access"],
            person=person,
            unit=data["unit"] if not person else None,
        )

    shared = attempt(form, call)
    if shared is not None:
        messages.success(
            request, f"已共享给{shared.target_name}（{shared.get_access_display()}）。"
        )
    return shared is not None


@login_required
@require_POST
def share_remove(request: AuthedRequest, pk: int, share_id: int) -> HttpResponse:
    viewer = request.user
    item = selectors.item_for_viewer(viewer=viewer, item_id=pk)
    found = selectors.share_for_viewer(viewer=viewer, item=item, share_id=share_id)
    try:
        services.library_share_remove(actor=viewer, share=found)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已取消对{found.target_name}的共享。")
    return redirect("library:share", pk=item.pk)


@login_required
@require_http_methods(["GET", "POST"])
def scope(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    item = selectors.item_for_viewer(viewer=viewer, item_id=pk)
    if not access.may_set_scope(viewer, item):
        raise Forbidden("发布范围由本单位文档管理员设定（文档管理员对发布范围负责）。")
    initial = {
        "scope": item.scope,
        "department": item.department_id,
        "units": list(item.scope_units.values_list("pk", flat=True)),
    }
    form = ScopeForm(
        request.POST or None,
        initial=initial,
        departments=selectors.scope_departments(viewer=viewer, item=item),
        units=selectors.share_units(viewer=viewer),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: services.library_scope_set(
                actor=viewer,
                item=item,
                scope=data["scope"],
                department=data["department"],
                units=list(data["units"]),
            ),
        ):
            messages.success(request, "发布范围已设定。")
            return redirect("library:item", pk=item.pk)
    return page(request, "scope.html", {"item": item, "form": form}, form)


@login_required
@require_POST
def trash_item(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    item = selectors.item_for_viewer(viewer=viewer, item_id=pk)
    try:
        services.library_item_trash(actor=viewer, item=item)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("library:item", pk=item.pk)
    messages.success(request, f"已将《{item.title}》放入回收站，可在回收站中恢复。")
    visible = access.folder_visible(viewer, item.folder)
    return redirect("library:folder", pk=item.folder_id) if visible else redirect("library:trash")
