"""Pages of internal mail. Every view fetches the viewer's own copy through a selector (any
other copy is a 404) and changes things only through a service; a refused send keeps what was
typed on the compose page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wenshu.files.responses import download_response
from wenshu.lib.errors import DomainError
from wenshu.messaging import selectors, services
from wenshu.messaging.addressing import KINDS, Addressing
from wenshu.messaging.forms import ActionForm, AddressForm, ComposeForm, SearchForm, address_choices
from wenshu.messaging.models import ACTION_LABELS, ACTIONS, Folder, MailboxEntry

if TYPE_CHECKING:
    from wenshu.accounts.models import User

    class AuthedRequest(HttpRequest):
        user: User
else:
    AuthedRequest = HttpRequest

PER_PAGE = 30
KIND_LABELS = {"to": "收件人", "cc": "抄送", "bcc": "密送"}


def _folders(viewer: Any, current: str) -> list[dict[str, Any]]:
    unread = selectors.unread_count(viewer=viewer)
    return [
        {
            "value": value,
            "label": label,
            "current": value == current,
            "unread": unread if value == Folder.INBOX else 0,
        }
        for value, label in Folder.choices
    ]


@require_GET
@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    return folder(request, Folder.INBOX)


@require_GET
@login_required
def folder(request: AuthedRequest, folder: str) -> HttpResponse:
    entries = selectors.folder_entries(viewer=request.user, folder=folder)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    actions = [(a, ACTION_LABELS[a]) for a, (sources, _) in ACTIONS.items() if folder in sources]
    return render(
        request,
        "messaging/pages/folder.html",
        {
            "folder": folder,
            "folder_label": Folder(folder).label,
            "page": page,
            "folders": _folders(request.user, folder),
            "actions": actions,
            "usage": selectors.quota_usage(viewer=request.user),
        },
    )


def _address_forms(
    request: AuthedRequest, choices: dict[str, Any], initial: dict[str, Any] | None = None
) -> dict[str, AddressForm]:
    data = request.POST if request.method == "POST" else None
    return {
        kind: AddressForm(data, prefix=kind, choices=choices, initial=(initial or {}).get(kind))
        for kind in KINDS
    }


def _has_addresses(form: AddressForm) -> bool:
    """Whether the 抄送/密送 section should start open (it holds something)."""
    if form.is_bound:
        data: Any = form.data  # a QueryDict: several values per name
        return any(data.getlist(form.add_prefix(name)) for name in form.fields)
    return any(form.initial.get(name) for name in form.fields) if form.initial else False


def _submit(
    request: AuthedRequest, form: ComposeForm, addressing: Addressing, entry: MailboxEntry | None
) -> HttpResponse:
    content = form.content(addressing)
    if request.POST.get("do") == "save":
        saved = services.mail_draft_save(
            actor=request.user, content=content, draft_entry=entry, files=form.attachment_files()
        )
        messages.success(request, "草稿已保存。")
        return redirect("messaging:edit", saved.pk)
    result = services.mail_send(
        actor=request.user, content=content, draft_entry=entry, files=form.attachment_files()
    )
    messages.success(request, f"邮件已发送，送达 {result.message.recipients.count()} 人。")
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect("messaging:view", result.entry.pk)


def _compose(request: AuthedRequest, entry: MailboxEntry | None) -> HttpResponse:
    viewer = request.user
    draft = selectors.draft_message(viewer=viewer, entry=entry) if entry else None
    attachments = selectors.attachments_of(viewer=viewer, entry=entry) if entry else []
    choices = address_choices(viewer)
    error, status = "", 200
    if request.method == "POST":
        form = ComposeForm(request.POST, request.FILES, attachments=attachments)
        forms = _address_forms(request, choices)
        if form.is_valid() and all(f.is_valid() for f in forms.values()):
            addressing = Addressing(**{k: f.address_set() for k, f in forms.items()})
            try:
                return _submit(request, form, addressing, entry)
            except DomainError as exc:  # shown above the form, which keeps what was typed
                error, status = exc.message, exc.status
        else:
            error, status = "请检查下面标出的内容。", 400
    else:
        initial = (
            {"subject": draft.subject, "body": draft.body, "urgent": draft.urgent} if draft else {}
        )
        form = ComposeForm(initial=initial, attachments=attachments)
        forms = _address_forms(request, choices, draft.addressing if draft else None)
    return render(
        request,
        "messaging/pages/compose.html",
        {
            "form": form,
            "error": error,
            "status": status,
            "address_forms": [
                (KIND_LABELS[k], k, forms[k], _has_addresses(forms[k])) for k in KINDS
            ],
            "entry": entry,
            "draft": draft,
            "usage": selectors.quota_usage(viewer=viewer),
            "folders": _folders(viewer, Folder.DRAFTS if draft else ""),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def compose(request: AuthedRequest) -> HttpResponse:
    return _compose(request, None)


@require_http_methods(["GET", "POST"])
@login_required
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _compose(request, selectors.entry_get(viewer=request.user, entry_id=pk))


@require_GET
@login_required
def view(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    entry = selectors.entry_get(viewer=viewer, entry_id=pk)
    if entry.folder == Folder.DRAFTS:
        return redirect("messaging:edit", entry.pk)
    entry = services.mail_mark_read(actor=viewer, entry=entry)
    actions = [
        (a, ACTION_LABELS[a]) for a, (sources, _) in ACTIONS.items() if entry.folder in sources
    ]
    receipts = selectors.receipts(viewer=viewer, entry=entry)
    return render(
        request,
        "messaging/pages/message.html",
        {
            "entry": entry,
            "message": entry.message,
            "actions": actions,
            "labels": selectors.visible_labels(viewer=viewer, entry=entry),
            "receipts": receipts,
            "read_count": sum(1 for r in receipts if r.read_at),
            "mine": selectors.my_recipient_row(viewer=viewer, entry=entry),
            "attachments": selectors.attachments_of(viewer=viewer, entry=entry),
            "folders": _folders(viewer, entry.folder),
            "sent": entry.message.sent_at is not None,
        },
    )


@require_GET
@login_required
def open_message(request: AuthedRequest, message_id: int) -> HttpResponse:
    """A notification's link: the viewer's own copy of that mail."""
    entry = selectors.entry_for_message(viewer=request.user, message_id=message_id)
    return redirect("messaging:view", entry.pk)


def _back_to(entry_folder: str) -> str:
    # Back to the list the person was working through (the mail has just left it).
    return reverse("messaging:folder", args=[entry_folder])


@require_POST
@login_required
def act(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_get(viewer=request.user, entry_id=pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        raise DomainError("不支持的邮件操作。")
    action = form.cleaned_data["action"]
    folder_before = entry.folder
    services.mail_act(actor=request.user, entries=[entry], action=action)
    messages.success(request, f"已{ACTION_LABELS[action]}。")
    return redirect(_back_to(folder_before))


@require_POST
@login_required
def bulk_act(request: AuthedRequest, folder: str) -> HttpResponse:
    form = ActionForm(request.POST)
    if not form.is_valid():
        raise DomainError("不支持的邮件操作。")
    ids = form.cleaned_data["entry"]
    if not ids:
        messages.error(request, "请先勾选要操作的邮件。")
        return redirect("messaging:folder", folder)
    entries = [selectors.entry_get(viewer=request.user, entry_id=i) for i in ids[:PER_PAGE]]
    count = services.mail_act(
        actor=request.user, entries=entries, action=form.cleaned_data["action"]
    )
    messages.success(request, f"已{ACTION_LABELS[form.cleaned_data['action']]} {count} 封邮件。")
    return redirect("messaging:folder", folder)


@require_POST
@login_required
def empty_trash(request: AuthedRequest) -> HttpResponse:
    count = services.mail_empty_trash(actor=request.user)
    messages.success(
        request, f"已彻底删除废件箱中的 {count} 封邮件。" if count else "废件箱是空的。"
    )
    return redirect("messaging:folder", Folder.TRASH)


def _respond(request: AuthedRequest, pk: int, how: str) -> HttpResponse:
    entry = selectors.entry_get(viewer=request.user, entry_id=pk)
    if how == "forward":
        draft = services.mail_forward(actor=request.user, entry=entry)
    else:
        draft = services.mail_reply(actor=request.user, entry=entry, reply_all=how == "all")
    messages.info(request, "已生成草稿，请补充后发送。")
    return redirect("messaging:edit", draft.pk)


@require_POST
@login_required
def reply(request: AuthedRequest, pk: int) -> HttpResponse:
    return _respond(request, pk, "one")


@require_POST
@login_required
def reply_all(request: AuthedRequest, pk: int) -> HttpResponse:
    return _respond(request, pk, "all")


@require_POST
@login_required
def forward(request: AuthedRequest, pk: int) -> HttpResponse:
    return _respond(request, pk, "forward")


@require_GET
@login_required
def attachment(request: AuthedRequest, pk: int, attachment_id: int) -> HttpResponse:
    entry = selectors.entry_get(viewer=request.user, entry_id=pk)
    found = selectors.attachment_get(viewer=request.user, entry=entry, attachment_id=attachment_id)
    return download_response(upload=found.upload)


@require_GET
@login_required
def search(request: AuthedRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    page = None
    status = 200
    if form.searched:
        if form.is_valid():
            found = selectors.search(viewer=request.user, **form.cleaned_data)
            page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
        else:
            status = 400
    return render(
        request,
        "messaging/pages/search.html",
        {
            "form": form,
            "page": page,
            "folders": _folders(request.user, ""),
        },
        status=status,
    )
