"""Folder pages: the unit tree and one's own, a folder's documents, uploading, folder upkeep."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wenshu.lib.errors import DomainError, Forbidden
from wenshu.library import access, selectors, services
from wenshu.library.forms import FolderForm, ItemFilterForm, ItemUploadForm
from wenshu.library.models import Folder
from wenshu.library.views._common import AuthedRequest, attempt, ingest, page, paginate


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    unit_root, _ = services.library_roots_ensure(viewer=request.user)
    return redirect("library:folder", pk=unit_root.pk)


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    _, personal_root = services.library_roots_ensure(viewer=request.user)
    return redirect("library:folder", pk=personal_root.pk)


def _filters(form: ItemFilterForm) -> selectors.ItemFilter:
    if not form.is_valid():
        return selectors.ItemFilter()
    data = form.cleaned_data
    return selectors.ItemFilter(
        q=data["q"], scope=data["scope"], checked_out=data["checked_out"], mine=data["mine"]
    )


def _folder_context(request: AuthedRequest, folder: Folder) -> dict[str, object]:
    viewer = request.user
    unit_root, personal_root = services.library_roots_ensure(viewer=viewer)  # the side list
    filter_form = ItemFilterForm(request.GET or None)
    items = selectors.folder_items(viewer=viewer, folder=folder, filters=_filters(filter_form))
    tree, path = selectors.folder_tree_and_path(viewer=viewer, folder=folder)
    return {
        "folder": folder,
        "path": path,
        "tree": tree,
        "filter_form": filter_form,
        "page": paginate(request, items),
        "may_manage": access.may_manage_folder(viewer, folder),
        "is_doc_admin": access.is_doc_admin(viewer, viewer.unit_id),
        "unit_root": unit_root,
        "personal_root": personal_root,
    }


@login_required
@require_GET
def folder_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    folder = selectors.folder_for_viewer(viewer=request.user, folder_id=pk)
    context = _folder_context(request, folder)
    context["new_folder"] = (
        FolderForm(personal=folder.is_personal, initial={"default_scope": folder.default_scope})
        if context["may_manage"]
        else None
    )
    return page(request, "folder.html", context)


@login_required
@require_POST
def folder_new(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    parent = selectors.folder_for_viewer(viewer=viewer, folder_id=pk)
    form = FolderForm(request.POST, personal=parent.is_personal)
    if form.is_valid():
        data = form.cleaned_data
        created = attempt(
            form,
            lambda: services.library_folder_create(
                actor=viewer,
                parent=parent,
                name=data["name"],
                default_scope=data.get("default_scope") or None,
            ),
        )
        if created is not None:
            messages.success(request, f"已新建文件夹“{created.name}”。")
            return redirect("library:folder", pk=created.pk)
    context = _folder_context(request, parent)
    context["new_folder"] = form
    return page(request, "folder.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def folder_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    folder = selectors.folder_for_viewer(viewer=viewer, folder_id=pk)
    if not access.may_manage_folder(viewer, folder):
        raise Forbidden("单位文件夹由本单位文档管理员维护。")
    initial = {"name": folder.name, "default_scope": folder.default_scope}
    form = FolderForm(request.POST or None, personal=folder.is_personal, initial=initial)
    if request.method == "POST" and request.POST.get("action") == "delete":
        return _folder_delete(request, folder, form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: services.library_folder_update(
                actor=viewer,
                folder=folder,
                name=data["name"],
                default_scope=data.get("default_scope") or None,
            ),
        ):
            messages.success(request, "文件夹设置已保存。")
            return redirect("library:folder", pk=folder.pk)
    return page(request, "folder_edit.html", {"folder": folder, "form": form}, form)


def _folder_delete(request: AuthedRequest, folder: Folder, form: FolderForm) -> HttpResponse:
    parent_id = folder.parent_id
    try:
        services.library_folder_delete(actor=request.user, folder=folder)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("library:folder_edit", pk=folder.pk)
    messages.success(request, f"已删除文件夹“{folder.name}”。")
    return redirect("library:folder", pk=parent_id)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    folder = selectors.folder_for_viewer(viewer=viewer, folder_id=pk)
    if not access.may_add_items(viewer, folder):
        raise Forbidden("您不能在该文件夹中添加文档。")
    form = ItemUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        stored = ingest(form, actor=viewer)  # scanned and stored before our transaction
        data = form.cleaned_data
        item = stored and attempt(
            form,
            lambda: services.library_item_create(
                actor=viewer,
                folder=folder,
                upload=stored,
                title=data["title"],
                description=data["description"],
                note=data["note"],
            ),
        )
        if item:
            messages.success(request, f"已上传《{item.title}》（第 1 版）。")
            return redirect("library:item", pk=item.pk)
    context = {
        "folder": folder,
        "form": form,
        "path": selectors.folder_path(viewer=viewer, folder=folder),
    }
    return page(request, "upload.html", context, form)
