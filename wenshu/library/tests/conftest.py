"""Library test cast on top of the city: unit A has two departments (办公室: a_clerk, 预算科:
a_staff) and a document administrator "a_docadmin" (named by a_admin). Helpers upload real
files through the files pipeline (so tests that use them need the `clamd_socket` fixture)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_person
from wenshu.files.services import file_ingest
from wenshu.library import services
from wenshu.library.models import Item, Scope
from wenshu.org.models import Department


@pytest.fixture
def lib(city: Any) -> Any:
    """The city plus the library's people; returns `city` with extra attributes."""
    office = Department.objects.create(unit=city.a, name="办公室", phone="0943-8220001")
    budget = Department.objects.create(unit=city.a, name="预算科", phone="0943-8220002")
    city.a_clerk.department = office
    city.a_clerk.save(update_fields=["department"])
    city.a_staff.department = budget
    city.a_staff.save(update_fields=["department"])
    city.office, city.budget = office, budget
    city.a_docadmin = make_person(
        "a_docadmin", city.a, "staff", real_name="艾文档", department=office
    )
    services.library_admin_assign(actor=city.a_admin, person=city.a_docadmin)
    return city


def upload(person: Any, name: str = "预算说明.txt", text: str = "2026 年预算说明正文") -> Any:
    return file_ingest(actor=person, name=name, data_or_fileobj=text.encode(), purpose="library")


def unit_root(person: Any) -> Any:
    return services.library_roots_ensure(viewer=person)[0]


def personal_root(person: Any) -> Any:
    return services.library_roots_ensure(viewer=person)[1]


def unit_item(
    person: Any,
    title: str = "预算说明",
    text: str = "2026 年预算说明正文",
    scope: str | None = None,
    by: Any = None,
    **scope_args: Any,
) -> Item:
    """A document in the person's unit root; `scope` is then set by `by` (a doc admin)."""
    item = services.library_item_create(
        actor=person,
        folder=unit_root(person),
        upload=upload(person, f"{title}.txt", text),
        title=title,
    )
    if scope is not None and scope != item.scope:
        item = services.library_scope_set(actor=by, item=item, scope=scope, **scope_args)
    return item


def personal_item(person: Any, title: str = "个人草稿", text: str = "个人草稿正文") -> Item:
    return services.library_item_create(
        actor=person,
        folder=personal_root(person),
        upload=upload(person, f"{title}.txt", text),
        title=title,
    )


__all__ = ["Scope", "personal_item", "personal_root", "unit_item", "unit_root", "upload"]
