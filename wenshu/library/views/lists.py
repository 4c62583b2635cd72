"""Lists across folders: shared with me, the trash, check-outs, and the document
administrators of the unit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wenshu.lib.errors import DomainError, Forbidden
from wenshu.library import access, selectors, services
from wenshu.library.forms import AdminAssignForm, ItemFilterForm
from wenshu.library.services.trash import trash_days
from wenshu.library.views._common import AuthedRequest, attempt, page, paginate
from wenshu.library.views.folders import _filters


@login_required
@require_GET
def shared(request: AuthedRequest) -> HttpResponse:
    form = ItemFilterForm(request.GET or None)
    items = selectors.items_from_others(viewer=request.user, filters=_filters(form))
    return page(request, "shared.html", {"filter_form": form, "page": paginate(request, items)})


@login_required
@require_GET
def trash(request: AuthedRequest) -> HttpResponse:
    items = selectors.trash_for(viewer=request.user)
    return page(request, "trash.html", {"page": paginate(request, items), "days": trash_days()})


@login_required
@require_POST
def restore(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.trashed_item_for_viewer(viewer=request.user, item_id=pk)
    try:
        services.library_item_restore(actor=request.user, item=item)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("library:trash")
    messages.success(request, f"已恢复《{item.title}》。")
    return redirect("library:item", pk=item.pk)


@login_required
@require_POST
def purge(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.trashed_item_for_viewer(viewer=request.user, item_id=pk)
    try:
        services.library_item_purge(actor=request.user, item=item)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已彻底删除《{item.title}》。")
    return redirect("library:trash")


@login_required
@require_GET
def locks(request: AuthedRequest) -> HttpResponse:
    items = selectors.checked_out_in_unit(viewer=request.user)
    return page(request, "locks.html", {"page": paginate(request, items)})


@login_required
@require_http_methods(["GET", "POST"])
def admins(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    is_unit_admin = access.is_unit_admin(viewer, viewer.unit_id)
    form = None
    if is_unit_admin:
        form = AdminAssignForm(
            request.POST or None, people=selectors.doc_admin_candidates(viewer=viewer)
        )
    if request.method == "POST":
        if form is None:
            raise Forbidden("只有单位系统管理员可以指定或撤销文档管理员。")
        if form.is_valid() and attempt(
            form,
            lambda: services.library_admin_assign(actor=viewer, person=form.cleaned_data["person"]),
        ):
            messages.success(
                request, f"已指定{form.cleaned_data['person'].display_name}为本单位文档管理员。"
            )
            return redirect("library:admins")
    context = {
        "admins": selectors.library_admins(viewer=viewer),
        "form": form,
        "is_unit_admin": is_unit_admin,
        "duty": services.admins.DUTY,
    }
    return page(request, "admins.html", context, form)


@login_required
@require_POST
def admin_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    assignment = selectors.library_admin_for_viewer(viewer=viewer, assignment_id=pk)
    try:
        services.library_admin_remove(actor=viewer, assignment=assignment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已撤销{assignment.person.display_name}的文档管理员职责。")
    return redirect("library:admins")
