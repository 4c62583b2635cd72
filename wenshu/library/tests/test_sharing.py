"""Sharing and publishing scopes: who may read, who may write, and who decides."""

from __future__ import annotations

import pytest

from conftest import make_person, make_unit
from wenshu.lib.errors import DomainError, Forbidden, NotFound
from wenshu.library import selectors, services
from wenshu.library.models import Access, Scope, Share
from wenshu.library.tests.conftest import personal_item, unit_item, upload
from wenshu.notify.models import Notification

pytestmark = pytest.mark.usefixtures("clamd_socket")


def _sees(person, item) -> bool:
    return selectors.items_visible_to(viewer=person).filter(pk=item.pk).exists()


def test_a_read_only_share_lets_one_read_but_not_upload(lib):
    item = personal_item(lib.a_clerk)
    services.library_share_set(
        actor=lib.a_clerk, item=item, access_level=Access.READ, person=lib.b_staff
    )
    assert _sees(lib.b_staff, item) and not _sees(lib.b_clerk, item)
    with pytest.raises(Forbidden, match="只有查看权限"):
        services.library_version_add(
            actor=lib.b_staff, item=item, upload=upload(lib.b_staff, "改.txt", "改写")
        )
    with pytest.raises(Forbidden):
        services.library_item_checkout(actor=lib.b_staff, item=item)


def test_a_read_write_share_lets_one_upload(lib):
    item = personal_item(lib.a_clerk)
    services.library_share_set(
        actor=lib.a_clerk, item=item, access_level=Access.WRITE, person=lib.b_staff
    )
    version = services.library_version_add(
        actor=lib.b_staff, item=item, upload=upload(lib.b_staff, "改.txt", "改写")
    )
    assert version.number == 2 and version.created_by == lib.b_staff
    assert Notification.objects.filter(recipient=lib.b_staff, kind="library.share").exists()


def test_sharing_again_changes_the_access_instead_of_adding_a_row(lib):
    item = personal_item(lib.a_clerk)
    for level in (Access.READ, Access.WRITE):
        services.library_share_set(
            actor=lib.a_clerk, item=item, access_level=level, person=lib.a_staff
        )
    assert Share.objects.get(item=item).access == Access.WRITE


def test_a_share_to_a_unit_reaches_its_people(lib):
    item = personal_item(lib.a_clerk)
    services.library_share_set(actor=lib.a_clerk, item=item, access_level=Access.WRITE, unit=lib.b)
    newcomer = make_person("b_new", lib.b, "staff")
    for person in (lib.b_staff, lib.b_clerk, lib.b_leader, newcomer):
        assert _sees(person, item)
    assert not _sees(lib.a_staff, item)
    services.library_version_add(actor=newcomer, item=item, upload=upload(newcomer, "x.txt", "新"))


def test_a_share_removed_is_access_removed(lib):
    item = personal_item(lib.a_clerk)
    share = services.library_share_set(
        actor=lib.a_clerk, item=item, access_level=Access.READ, person=lib.b_staff
    )
    services.library_share_remove(actor=lib.a_clerk, share=share)
    with pytest.raises(NotFound):
        selectors.item_for_viewer(viewer=lib.b_staff, item_id=item.pk)


def test_only_the_owner_or_doc_admin_shares(lib):
    item = unit_item(lib.a_clerk)
    with pytest.raises(Forbidden, match="只有文档上传人和本单位文档管理员"):
        services.library_share_set(
            actor=lib.a_staff, item=item, access_level=Access.READ, person=lib.a_leader
        )
    with pytest.raises(NotFound):
        services.library_share_set(
            actor=lib.b_staff, item=item, access_level=Access.READ, person=lib.b_clerk
        )


def test_a_unit_document_leaves_the_unit_only_by_the_doc_admin(lib):
    item = unit_item(lib.a_clerk)
    with pytest.raises(Forbidden, match="文档管理员"):
        services.library_share_set(
            actor=lib.a_clerk, item=item, access_level=Access.READ, unit=lib.b
        )
    services.library_share_set(
        actor=lib.a_clerk, item=item, access_level=Access.READ, person=lib.a_leader
    )  # inside the unit: the owner may
    services.library_share_set(
        actor=lib.a_docadmin, item=item, access_level=Access.READ, unit=lib.b
    )
    assert _sees(lib.b_staff, item)


def test_shares_refuse_bad_targets(lib):
    item = personal_item(lib.a_clerk)
    gone = make_person("gone", lib.b, "staff", status="disabled")
    hidden = make_unit("白银市保密测试局", "测试局", "白测")
    hidden.in_directory = False
    hidden.save(update_fields=["in_directory"])
    for kwargs, message in (
        ({"person": lib.a_clerk}, "无需共享"),
        ({"person": gone}, "不可用"),
        ({"unit": hidden}, "交换目录"),
        ({}, "只选其一"),
        ({"person": lib.a_staff, "unit": lib.b}, "只选其一"),
    ):
        with pytest.raises(DomainError, match=message):
            services.library_share_set(
                actor=lib.a_clerk, item=item, access_level=Access.READ, **kwargs
            )
    with pytest.raises(DomainError, match="只读或可编辑"):
        services.library_share_set(
            actor=lib.a_clerk, item=item, access_level="admin", person=lib.a_staff
        )


def test_scope_city_is_visible_to_everyone(lib):
    item = unit_item(lib.a_clerk, scope=Scope.CITY, by=lib.a_docadmin)
    for person in (lib.a_staff, lib.b_staff, lib.shuziban, lib.zhengfuban):
        assert _sees(person, item)
    with pytest.raises(Forbidden):
        services.library_version_add(
            actor=lib.b_staff, item=item, upload=upload(lib.b_staff, "x.txt", "改")
        )


def test_scope_department_reaches_only_that_department(lib):
    item = unit_item(lib.a_clerk, scope=Scope.DEPARTMENT, by=lib.a_docadmin)
    assert item.department == lib.office
    assert _sees(lib.a_clerk, item) and _sees(lib.a_docadmin, item)
    assert not _sees(lib.a_staff, item)  # 预算科
    assert not _sees(lib.a_leader, item)  # no department
    assert not _sees(lib.b_staff, item)
    services.library_scope_set(
        actor=lib.a_docadmin, item=item, scope=Scope.DEPARTMENT, department=lib.budget
    )
    assert _sees(lib.a_staff, item)


def test_scope_unit_units_and_private(lib):
    item = unit_item(lib.a_clerk)
    assert _sees(lib.a_leader, item) and not _sees(lib.b_staff, item)
    services.library_scope_set(actor=lib.a_docadmin, item=item, scope=Scope.UNITS, units=[lib.b])
    assert _sees(lib.b_staff, item) and _sees(lib.a_leader, item)
    assert not _sees(lib.shuziban, item)
    services.library_scope_set(actor=lib.a_docadmin, item=item, scope=Scope.PRIVATE)
    assert not _sees(lib.b_staff, item) and not _sees(lib.a_leader, item)
    assert _sees(lib.a_clerk, item) and _sees(lib.a_docadmin, item)


def test_only_the_doc_admin_sets_the_scope_and_checks_what_is_chosen(lib):
    item = unit_item(lib.a_clerk)
    for who in (lib.a_clerk, lib.a_admin, lib.a_leader):
        with pytest.raises(Forbidden, match="文档管理员"):
            services.library_scope_set(actor=who, item=item, scope=Scope.CITY)
    with pytest.raises(NotFound):
        services.library_scope_set(actor=lib.b_staff, item=item, scope=Scope.CITY)
    with pytest.raises(DomainError, match="至少选择一个单位"):
        services.library_scope_set(actor=lib.a_docadmin, item=item, scope=Scope.UNITS)
    from wenshu.org.models import Department

    other = Department.objects.create(unit=lib.b, name="教育科")
    with pytest.raises(DomainError, match="本单位在用的部门"):
        services.library_scope_set(
            actor=lib.a_docadmin, item=item, scope=Scope.DEPARTMENT, department=other
        )
    with pytest.raises(DomainError, match="个人文档没有发布范围"):
        services.library_scope_set(
            actor=lib.a_docadmin, item=personal_item(lib.a_docadmin), scope=Scope.CITY
        )


def test_the_shared_list_shows_others_documents_only(lib):
    mine = unit_item(lib.b_clerk, "教育局通知")
    theirs = unit_item(lib.a_clerk, "财政局通知", scope=Scope.CITY, by=lib.a_docadmin)
    listed = list(selectors.items_from_others(viewer=lib.b_staff))
    assert theirs in listed and mine not in listed
