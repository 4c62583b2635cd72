"""Document administrators (S1 art. 44): named by the unit's system administrator; they keep
the unit's folders, see all of the unit's documents, set scopes and break locks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import make_person
from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.library import access, selectors, services
from wenshu.library.models import Folder, LibraryAdmin, Scope
from wenshu.library.tests.conftest import personal_item, unit_item, unit_root, upload
from wenshu.notify.models import Notification

pytestmark = pytest.mark.usefixtures("clamd_socket")


def test_the_unit_admin_names_and_removes_doc_admins(lib):
    assignment = services.library_admin_assign(actor=lib.a_admin, person=lib.a_clerk)
    assert access.is_doc_admin(lib.a_clerk, lib.a.pk)
    assert Notification.objects.filter(recipient=lib.a_clerk, kind="library.admin").exists()
    assert AuditEvent.objects.filter(
        action="library.admin_assigned", target_id=str(lib.a_clerk.pk)
    ).exists()
    with pytest.raises(Conflict, match="已是本单位文档管理员"):
        services.library_admin_assign(actor=lib.a_admin, person=lib.a_clerk)
    services.library_admin_remove(actor=lib.a_admin, assignment=assignment)
    access.forget(lib.a_clerk)
    assert not access.is_doc_admin(lib.a_clerk, lib.a.pk)


def test_only_the_units_own_admin_names_doc_admins(lib):
    for who in (lib.a_leader, lib.a_docadmin, lib.shuziban):
        with pytest.raises(Forbidden, match="单位系统管理员"):
            services.library_admin_assign(actor=who, person=lib.a_clerk)
    with pytest.raises(NotFound):
        services.library_admin_assign(actor=lib.b_admin, person=lib.a_clerk)
    gone = make_person("a_gone", lib.a, "staff", status="disabled")
    with pytest.raises(DomainError, match="不可用"):
        services.library_admin_assign(actor=lib.a_admin, person=gone)
    assignment = LibraryAdmin.objects.get(person=lib.a_docadmin)
    with pytest.raises(NotFound):
        services.library_admin_remove(actor=lib.b_admin, assignment=assignment)


def test_a_doc_admin_sees_every_document_of_the_unit_but_not_personal_ones(lib):
    private = unit_item(lib.a_clerk, "内部草稿", scope=Scope.PRIVATE, by=lib.a_docadmin)
    assert selectors.item_for_viewer(viewer=lib.a_docadmin, item_id=private.pk) == private
    with pytest.raises(NotFound):
        selectors.item_for_viewer(viewer=lib.a_staff, item_id=private.pk)
    personal = personal_item(lib.a_clerk)
    with pytest.raises(NotFound):
        selectors.item_for_viewer(viewer=lib.a_docadmin, item_id=personal.pk)


def test_a_doc_admin_has_no_power_in_another_unit(lib):
    item = unit_item(lib.b_clerk, "教育局文件")
    with pytest.raises(NotFound):
        selectors.item_for_viewer(viewer=lib.a_docadmin, item_id=item.pk)
    with pytest.raises(NotFound):
        services.library_scope_set(actor=lib.a_docadmin, item=item, scope=Scope.CITY)


def test_a_doc_admin_moved_to_another_unit_loses_the_rights(lib):
    lib.a_docadmin.unit = lib.b
    lib.a_docadmin.save(update_fields=["unit"])
    assert not access.is_doc_admin(lib.a_docadmin, lib.a.pk)
    assert not access.is_doc_admin(lib.a_docadmin, lib.b.pk)


def test_unit_folders_are_kept_by_the_doc_admin(lib):
    root = unit_root(lib.a_clerk)
    with pytest.raises(Forbidden, match="文档管理员"):
        services.library_folder_create(actor=lib.a_clerk, parent=root, name="制度文件")
    folder = services.library_folder_create(
        actor=lib.a_docadmin, parent=root, name="制度文件", default_scope=Scope.DEPARTMENT
    )
    assert folder.unit == lib.a and folder.default_scope == Scope.DEPARTMENT
    with pytest.raises(DomainError, match="已有名为"):
        services.library_folder_create(actor=lib.a_docadmin, parent=root, name="制度文件")
    with pytest.raises(DomainError, match="默认发布范围只能是"):
        services.library_folder_update(
            actor=lib.a_docadmin, folder=folder, name="制度", default_scope=Scope.CITY
        )
    item = unit_item(lib.a_clerk, "请假制度")  # in the root: 本单位
    assert item.scope == Scope.UNIT
    services.library_folder_update(
        actor=lib.a_docadmin, folder=folder, name="规章制度", default_scope=Scope.PRIVATE
    )
    folder.refresh_from_db()
    assert folder.name == "规章制度"


def test_anyone_of_the_unit_files_documents_in_unit_folders_with_the_default_scope(lib):
    root = unit_root(lib.a_clerk)
    folder = services.library_folder_create(
        actor=lib.a_docadmin, parent=root, name="内部", default_scope=Scope.PRIVATE
    )
    item = services.library_item_create(
        actor=lib.a_staff, folder=folder, upload=upload(lib.a_staff, "内部.txt", "内部资料")
    )
    assert item.scope == Scope.PRIVATE
    assert not selectors.items_visible_to(viewer=lib.a_clerk).filter(pk=item.pk).exists()
    assert selectors.items_visible_to(viewer=lib.a_docadmin).filter(pk=item.pk).exists()


def test_a_folder_with_documents_cannot_be_deleted_nor_a_root(lib):
    root = unit_root(lib.a_clerk)
    folder = services.library_folder_create(actor=lib.a_docadmin, parent=root, name="临时")
    sub = services.library_folder_create(actor=lib.a_docadmin, parent=folder, name="子")
    with pytest.raises(Conflict, match="子文件夹"):
        services.library_folder_delete(actor=lib.a_docadmin, folder=folder)
    services.library_folder_delete(actor=lib.a_docadmin, folder=sub)
    item = services.library_item_create(
        actor=lib.a_clerk, folder=folder, upload=upload(lib.a_clerk, "a.txt", "内容")
    )
    services.library_item_trash(actor=lib.a_clerk, item=item)
    with pytest.raises(Conflict, match="回收站中的文档"):
        services.library_folder_delete(actor=lib.a_docadmin, folder=folder)
    with pytest.raises(DomainError, match="根文件夹不能删除"):
        services.library_folder_delete(actor=lib.a_docadmin, folder=root)
    with pytest.raises(NotFound):
        services.library_folder_delete(actor=lib.b_admin, folder=folder)


def test_folders_nest_only_so_deep(lib):
    parent = unit_root(lib.a_clerk)
    for depth in range(8):
        parent = services.library_folder_create(
            actor=lib.a_docadmin, parent=parent, name=f"第{depth + 1}层"
        )
    with pytest.raises(DomainError, match="最多 8 层"):
        services.library_folder_create(actor=lib.a_docadmin, parent=parent, name="太深")


def test_personal_folders_are_their_owners(lib):
    mine = services.library_roots_ensure(viewer=lib.a_staff)[1]
    folder = services.library_folder_create(actor=lib.a_staff, parent=mine, name="草稿")
    assert folder.owner == lib.a_staff and folder.kind == "personal"
    with pytest.raises(NotFound):
        services.library_folder_create(actor=lib.a_docadmin, parent=mine, name="别人的")
    with pytest.raises(NotFound):
        selectors.folder_for_viewer(viewer=lib.a_clerk, folder_id=folder.pk)


def test_roots_are_made_once(lib):
    first = services.library_roots_ensure(viewer=lib.a_clerk)
    again = services.library_roots_ensure(viewer=lib.a_staff)
    assert first[0] == again[0] and first[1] != again[1]
    assert Folder.objects.filter(kind="unit", unit=lib.a, parent__isnull=True).count() == 1


def test_the_admins_page(lib, login):
    page = login(lib.a_admin).get(reverse("library:admins"))
    assert page.status_code == 200 and "艾文档" in page.text and "第四十四条" in page.text
    response = login(lib.a_admin).post(reverse("library:admins"), {"person": lib.a_clerk.pk})
    assert response.status_code == 302
    assert LibraryAdmin.objects.filter(unit=lib.a, person=lib.a_clerk).exists()
    refused = login(lib.a_admin).post(reverse("library:admins"), {"person": lib.b_staff.pk})
    assert refused.status_code == 400  # not a choice: another unit's person
    assert (
        login(lib.a_staff).post(reverse("library:admins"), {"person": lib.a_staff.pk}).status_code
        == 403
    )
    assignment = LibraryAdmin.objects.get(person=lib.a_clerk)
    assert (
        login(lib.b_admin).post(reverse("library:admin_remove", args=[assignment.pk])).status_code
        == 404
    )
    assert (
        login(lib.a_admin).post(reverse("library:admin_remove", args=[assignment.pk])).status_code
        == 302
    )
    assert not LibraryAdmin.objects.filter(person=lib.a_clerk).exists()
