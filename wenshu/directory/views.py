"""Address book pages: search people, and one unit's card."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from wenshu.directory import selectors
from wenshu.directory.forms import SearchForm
from wenshu.org.models import Department

if TYPE_CHECKING:
    from wenshu.accounts.models import User

    class AuthedRequest(HttpRequest):
        user: User
else:
    AuthedRequest = HttpRequest

PAGE_SIZE = 50


def _chosen_unit(request: AuthedRequest) -> Any:
    raw = request.GET.get("unit", "")
    if not raw.isdigit():
        return None
    return selectors.directory_units(viewer=request.user).filter(pk=int(raw)).first()


@login_required
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    unit = _chosen_unit(request)
    departments = (
        selectors.directory_departments(viewer=viewer, unit=unit)
        if unit
        else Department.objects.none()
    )
    form = SearchForm(
        request.GET or None, units=selectors.directory_units(viewer=viewer), departments=departments
    )
    data = form.cleaned_data if form.is_valid() else {}
    people = selectors.directory_people(
        viewer=viewer,
        q=data.get("q", ""),
        unit_id=getattr(data.get("unit"), "pk", None),
        department_id=getattr(data.get("department"), "pk", None),
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "directory/pages/index.html", {"form": form, "page": page})


@login_required
@require_GET
def unit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    unit = selectors.directory_unit(viewer=viewer, unit_id=pk)
    people = list(selectors.directory_people(viewer=viewer, unit_id=unit.pk))
    groups = [
        (name or "（未分部门）", list(rows))
        for name, rows in groupby(people, key=lambda p: p["department__name"])
    ]
    context = {
        "unit": unit,
        "groups": groups,
        "departments": selectors.directory_departments(viewer=viewer, unit=unit),
    }
    return render(request, "directory/pages/unit.html", context)
