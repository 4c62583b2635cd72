"""When a unit merges into another, its library goes along (the org merge hook)."""

from __future__ import annotations

import pytest

from wenshu.library import selectors, services
from wenshu.library.models import Access, Folder, LibraryAdmin, Scope, Share
from wenshu.library.tests.conftest import personal_item, unit_item, unit_root
from wenshu.org import services as org_services

pytestmark = pytest.mark.usefixtures("clamd_socket")


def test_a_merged_units_documents_move_to_the_target(lib):
    b_doc = unit_item(lib.b_clerk, "教育局制度")
    services.library_admin_assign(actor=lib.b_admin, person=lib.b_clerk)
    a_doc = personal_item(lib.a_clerk, "财政局草稿")
    services.library_share_set(actor=lib.a_clerk, item=a_doc, access_level=Access.READ, unit=lib.b)
    city_doc = unit_item(
        lib.a_clerk, "发布给教育局", scope=Scope.UNITS, by=lib.a_docadmin, units=[lib.b]
    )
    org_services.unit_merge(actor=lib.shuziban, sources=[lib.b], target=lib.a, people_action="move")
    b_root = Folder.objects.get(name="原市教育局文档")
    assert b_root.parent == unit_root(lib.a_clerk) and b_root.unit == lib.a
    b_doc.refresh_from_db()
    assert b_doc.unit == lib.a
    assert selectors.items_visible_to(viewer=lib.a_staff).filter(pk=b_doc.pk).exists()
    assert Share.objects.get(item=a_doc).unit == lib.a
    assert list(city_doc.scope_units.all()) == [lib.a]
    assert not LibraryAdmin.objects.filter(unit=lib.b).exists()
