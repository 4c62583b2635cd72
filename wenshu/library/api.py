"""/api/v1/library/: the document library through the same selectors and services as the
pages. Files go up as multipart/form-data (field ``file``) and pass the files pipeline (virus
scan, type, size, 密级标志) before any library change; downloads are SM3-checked. What the
caller may not read is a 404; refusals are 4xx with {"error", "message"}."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Status, UploadedFile

from wenshu.accounts.models import User
from wenshu.files.models import Upload
from wenshu.files.services import file_ingest
from wenshu.lib.errors import DomainError, Forbidden, NotFound
from wenshu.library import access, selectors, services
from wenshu.library.api_schemas import (
    AdminIn,
    AdminOut,
    BreakLockIn,
    FolderDetailOut,
    FolderIn,
    FolderOut,
    ItemFilterIn,
    ItemList,
    ItemOut,
    ItemPatch,
    LockOut,
    RootsOut,
    ScopeIn,
    ShareIn,
    ShareOut,
    VersionOut,
    admin_out,
    folder_out,
    item_out,
    lock_out,
    share_out,
    version_out,
)
from wenshu.library.downloads import verified_download
from wenshu.library.models import Item

router = Router(tags=["文档管理"])


def _me(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]  # the API's global auth


def _ingest(request: HttpRequest, file: UploadedFile) -> Upload:
    return file_ingest(
        actor=_me(request), name=file.name or "", data_or_fileobj=file, purpose="library"
    )


def _item(request: HttpRequest, item_id: int) -> Item:
    return selectors.item_for_viewer(viewer=_me(request), item_id=item_id)


def _detail(request: HttpRequest, item_id: int) -> ItemOut:
    item = _item(request, item_id)
    return item_out(item, selectors.item_level(viewer=_me(request), item=item))


def _listing(items: Any, f: ItemFilterIn) -> dict[str, Any]:
    return {
        "count": items.count(),
        "items": [item_out(i) for i in items[f.offset : f.offset + f.limit]],
    }


def _filters(f: ItemFilterIn) -> selectors.ItemFilter:
    return selectors.ItemFilter(q=f.q, scope=f.scope, checked_out=f.checked_out, mine=f.mine)


# --- folders ------------------------------------------------------------------------------


@router.get("/roots", response=RootsOut, summary="本单位文档和我的文档的根文件夹")
def roots(request: HttpRequest) -> dict[str, Any]:
    unit_root, personal_root = services.library_roots_ensure(viewer=_me(request))
    return {"unit": folder_out(unit_root), "personal": folder_out(personal_root)}


@router.get("/folders/{folder_id}", response=FolderDetailOut, summary="文件夹及其子文件夹")
def folder_detail(request: HttpRequest, folder_id: int) -> dict[str, Any]:
    viewer = _me(request)
    folder = selectors.folder_for_viewer(viewer=viewer, folder_id=folder_id)
    children = folder.children.order_by("name", "id")
    return {
        "folder": folder_out(folder),
        "children": [folder_out(c) for c in children],
        "path": [folder_out(f) for f in selectors.folder_path(viewer=viewer, folder=folder)],
        "may_manage": access.may_manage_folder(viewer, folder),
    }


@router.post("/folders/{folder_id}/folders", response={201: FolderOut}, summary="新建子文件夹")
def folder_create(request: HttpRequest, folder_id: int, body: FolderIn) -> Any:
    viewer = _me(request)
    parent = selectors.folder_for_viewer(viewer=viewer, folder_id=folder_id)
    folder = services.library_folder_create(
        actor=viewer, parent=parent, name=body.name, default_scope=body.default_scope
    )
    return Status(201, folder_out(folder))


@router.patch("/folders/{folder_id}", response=FolderOut, summary="改名或设定默认发布范围")
def folder_update(request: HttpRequest, folder_id: int, body: FolderIn) -> Any:
    viewer = _me(request)
    folder = selectors.folder_for_viewer(viewer=viewer, folder_id=folder_id)
    return folder_out(
        services.library_folder_update(
            actor=viewer, folder=folder, name=body.name, default_scope=body.default_scope
        )
    )


@router.delete("/folders/{folder_id}", response={204: None}, summary="删除空文件夹")
def folder_delete(request: HttpRequest, folder_id: int) -> Any:
    viewer = _me(request)
    folder = selectors.folder_for_viewer(viewer=viewer, folder_id=folder_id)
    services.library_folder_delete(actor=viewer, folder=folder)
    return Status(204, None)


@router.get("/folders/{folder_id}/items", response=ItemList, summary="文件夹中的文档")
def folder_items(request: HttpRequest, folder_id: int, f: Query[ItemFilterIn]) -> Any:
    viewer = _me(request)
    folder = selectors.folder_for_viewer(viewer=viewer, folder_id=folder_id)
    return _listing(selectors.folder_items(viewer=viewer, folder=folder, filters=_filters(f)), f)


@router.post(
    "/folders/{folder_id}/items",
    response={201: ItemOut},
    summary="上传文档（multipart：file、title、description、note）",
)
def item_create(
    request: HttpRequest,
    folder_id: int,
    file: File[UploadedFile],
    title: str = Form(""),
    description: str = Form(""),
    note: str = Form(""),
) -> Any:
    viewer = _me(request)
    folder = selectors.folder_for_viewer(viewer=viewer, folder_id=folder_id)
    if not access.may_add_items(viewer, folder):
        raise Forbidden("您不能在该文件夹中添加文档。")
    upload = _ingest(request, file)  # scanned and stored before the library's transaction
    item = services.library_item_create(
        actor=viewer, folder=folder, upload=upload, title=title, description=description, note=note
    )
    return Status(201, item_out(item, access.Level.MANAGE))


# --- items --------------------------------------------------------------------------------


@router.get("/items", response=ItemList, summary="我可以查看的所有文档")
def item_list(request: HttpRequest, f: Query[ItemFilterIn]) -> Any:
    return _listing(selectors.items_search(viewer=_me(request), filters=_filters(f)), f)


@router.get("/shared", response=ItemList, summary="共享给我的和发布给我的其他文档")
def shared_list(request: HttpRequest, f: Query[ItemFilterIn]) -> Any:
    return _listing(selectors.items_from_others(viewer=_me(request), filters=_filters(f)), f)


@router.get("/items/{item_id}", response=ItemOut, summary="文档详情")
def item_detail(request: HttpRequest, item_id: int) -> Any:
    return _detail(request, item_id)


@router.patch("/items/{item_id}", response=ItemOut, summary="修改标题和说明")
def item_update(request: HttpRequest, item_id: int, body: ItemPatch) -> Any:
    services.library_item_update(
        actor=_me(request),
        item=_item(request, item_id),
        title=body.title,
        description=body.description,
    )
    return _detail(request, item_id)


@router.get("/items/{item_id}/versions", response=list[VersionOut], summary="版本记录")
def version_list(request: HttpRequest, item_id: int) -> Any:
    item = _item(request, item_id)
    return [version_out(v) for v in selectors.item_versions(viewer=_me(request), item=item)]


@router.post(
    "/items/{item_id}/versions",
    response={201: VersionOut},
    summary="上传新版本（multipart：file、note、base_version）",
)
def version_create(
    request: HttpRequest,
    item_id: int,
    file: File[UploadedFile],
    note: str = Form(""),
    base_version: int | None = Form(None),
) -> Any:
    viewer, item = _me(request), _item(request, item_id)
    services.library_version_precheck(actor=viewer, item=item)
    upload = _ingest(request, file)
    version = services.library_version_add(
        actor=viewer, item=item, upload=upload, note=note, base_version=base_version
    )
    return Status(201, version_out(version))


@router.get("/items/{item_id}/versions/{number}/download", summary="下载某一版本（校验 SM3）")
def version_download(request: HttpRequest, item_id: int, number: int) -> HttpResponse:
    viewer, item = _me(request), _item(request, item_id)
    version = selectors.version_for_viewer(viewer=viewer, item=item, number=number)
    return verified_download(actor=viewer, item=item, version=version)


@router.post("/items/{item_id}/checkout", response=ItemOut, summary="签出（锁定编辑）")
def checkout(request: HttpRequest, item_id: int) -> Any:
    services.library_item_checkout(actor=_me(request), item=_item(request, item_id))
    return _detail(request, item_id)


@router.post(
    "/items/{item_id}/checkin",
    response=ItemOut,
    summary="签入（可同时上传修改后的文件：multipart file、note）",
)
def checkin(
    request: HttpRequest,
    item_id: int,
    file: UploadedFile | None = File(None),  # noqa: B008
    note: str = Form(""),
) -> Any:
    viewer, item = _me(request), _item(request, item_id)
    if item.checked_out_by_id != viewer.pk:
        raise DomainError("该文档不是由您签出的，不能签入。", code="conflict")
    upload = _ingest(request, file) if file is not None else None
    services.library_item_checkin(actor=viewer, item=item, upload=upload, note=note)
    return _detail(request, item_id)


@router.post("/items/{item_id}/break-lock", response={204: None}, summary="解除他人的签出")
def break_lock(request: HttpRequest, item_id: int, body: BreakLockIn) -> Any:
    viewer = _me(request)
    item = selectors.locked_item_for_manager(viewer=viewer, item_id=item_id)
    services.library_lock_break(actor=viewer, item=item, reason=body.reason)
    return Status(204, None)


@router.get("/items/{item_id}/shares", response=list[ShareOut], summary="共享记录")
def share_list(request: HttpRequest, item_id: int) -> Any:
    item = _item(request, item_id)
    return [share_out(s) for s in selectors.item_shares(viewer=_me(request), item=item)]


def _share_target(request: HttpRequest, body: ShareIn) -> tuple[Any, Any]:
    viewer = _me(request)
    if body.unit_id is not None:
        unit = selectors.share_units(viewer=viewer).filter(pk=body.unit_id).first()
        if unit is None:
            raise NotFound("找不到该单位（须为交换目录中的已注册单位）。")
        return None, unit
    if body.username:
        return selectors.share_person_by_username(viewer=viewer, username=body.username), None
    if body.person_id is not None:
        return selectors.share_person_by_id(viewer=viewer, person_id=body.person_id), None
    raise DomainError("请指定共享给一位人员（person_id 或 username）或一个单位（unit_id）。")


@router.post("/items/{item_id}/shares", response={201: ShareOut}, summary="共享给人员或单位")
def share_create(request: HttpRequest, item_id: int, body: ShareIn) -> Any:
    item = _item(request, item_id)
    if body.unit_id is not None and (body.person_id is not None or body.username):
        raise DomainError("请只指定一位人员或一个单位。")
    person, unit = _share_target(request, body)
    share = services.library_share_set(
        actor=_me(request), item=item, access_level=body.access, person=person, unit=unit
    )
    return Status(201, share_out(share))


@router.delete("/items/{item_id}/shares/{share_id}", response={204: None}, summary="取消共享")
def share_delete(request: HttpRequest, item_id: int, share_id: int) -> Any:
    viewer, item = _me(request), _item(request, item_id)
    share = selectors.share_for_viewer(viewer=viewer, item=item, share_id=share_id)
    services.library_share_remove(actor=viewer, share=share)
    return Status(204, None)


@router.put("/items/{item_id}/scope", response=ItemOut, summary="设定发布范围（文档管理员）")
def scope_set(request: HttpRequest, item_id: int, body: ScopeIn) -> Any:
    viewer, item = _me(request), _item(request, item_id)
    department = None
    if body.department_id is not None:
        department = (
            selectors.scope_departments(viewer=viewer, item=item)
            .filter(pk=body.department_id)
            .first()
        )
        if department is None:
            raise NotFound("找不到该部门（须为文档所属单位的在用部门）。")
    units = list(selectors.share_units(viewer=viewer).filter(pk__in=body.unit_ids))
    if len(units) != len(set(body.unit_ids)):
        raise NotFound("有的单位不在交换目录中。")
    services.library_scope_set(
        actor=viewer, item=item, scope=body.scope, department=department, units=units
    )
    return _detail(request, item_id)


@router.post("/items/{item_id}/trash", response={204: None}, summary="放入回收站")
def trash_item(request: HttpRequest, item_id: int) -> Any:
    services.library_item_trash(actor=_me(request), item=_item(request, item_id))
    return Status(204, None)


# --- trash, locks, administrators --------------------------------------------------------


@router.get("/trash", response=ItemList, summary="回收站")
def trash_list(request: HttpRequest, f: Query[ItemFilterIn]) -> Any:
    return _listing(selectors.trash_for(viewer=_me(request)), f)


@router.post("/trash/{item_id}/restore", response=ItemOut, summary="从回收站恢复")
def restore(request: HttpRequest, item_id: int) -> Any:
    viewer = _me(request)
    item = selectors.trashed_item_for_viewer(viewer=viewer, item_id=item_id)
    services.library_item_restore(actor=viewer, item=item)
    return _detail(request, item_id)


@router.delete("/trash/{item_id}", response={204: None}, summary="彻底删除")
def purge(request: HttpRequest, item_id: int) -> Any:
    viewer = _me(request)
    item = selectors.trashed_item_for_viewer(viewer=viewer, item_id=item_id)
    services.library_item_purge(actor=viewer, item=item)
    return Status(204, None)


@router.get("/locks", response=list[LockOut], summary="本单位已签出的文档（管理员）")
def lock_list(request: HttpRequest) -> Any:
    return [lock_out(i) for i in selectors.checked_out_in_unit(viewer=_me(request))]


@router.get("/admins", response=list[AdminOut], summary="本单位文档管理员")
def admin_list(request: HttpRequest) -> Any:
    return [admin_out(a) for a in selectors.library_admins(viewer=_me(request))]


@router.post("/admins", response={201: AdminOut}, summary="指定文档管理员（单位系统管理员）")
def admin_create(request: HttpRequest, body: AdminIn) -> Any:
    viewer = _me(request)
    person = selectors.doc_admin_candidates(viewer=viewer).filter(pk=body.person_id).first()
    if person is None:
        raise NotFound("找不到该人员，或其不属于本单位。")
    return Status(201, admin_out(services.library_admin_assign(actor=viewer, person=person)))


@router.delete("/admins/{assignment_id}", response={204: None}, summary="撤销文档管理员")
def admin_delete(request: HttpRequest, assignment_id: int) -> Any:
    viewer = _me(request)
    assignment = selectors.library_admin_for_viewer(viewer=viewer, assignment_id=assignment_id)
    services.library_admin_remove(actor=viewer, assignment=assignment)
    return Status(204, None)
