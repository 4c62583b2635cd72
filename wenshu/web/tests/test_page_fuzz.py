"""Forged and malformed requests on every HTML page never answer 500 (brief 3, house rule 4).

A small city is populated through the apps' own services (a sealed document sent to unit B and
taken into its handling flow, a meeting, mails, notices, reports, library items, tickets,
assets, schedule events, keys, seals …). Then every URL pattern outside /api/ is requested:

* with the ids of real objects (unit A's and unit B's) and with forged ids (0, an id beyond any
  database integer, a missing one), GET and an empty POST, as several people of unit A and as
  the outsider of unit B;
* every POST form found on those pages is sent back with garbage: 100k-character strings, NUL
  bytes, huge and negative numbers, impossible dates, lists where one value is expected,
  unknown choices, and unit B's ids; once all fields at a time, and once field by field with
  the other fields filled plausibly, so the garbage reaches the services and the database.

Every answer must be < 500. Each request runs in a savepoint (a failed statement on PostgreSQL
does not poison the rest) and the failures are collected and listed together.
"""

from __future__ import annotations

import itertools
import secrets
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

HUGE = "99999999999999999999"  # beyond a signed 64-bit integer
LONG = "长" * 100_000
FORGED_IDS = ("0", HUGE)  # no such record; beyond any database integer

# (path prefix, kwarg) → the model whose ids fill it; the longest matching prefix wins.
ID_MODELS: dict[tuple[str, str], str] = {
    ("accounts/tokens/", "token_id"): "accounts.ApiToken",
    ("accounts/", "person_id"): "accounts.User",
    ("accounts/requests/", "request_id"): "accounts.AccountRequest",
    ("org/units/", "pk"): "org.Unit",
    ("org/applications/", "pk"): "org.UnitApplication",
    ("org/renames/", "pk"): "org.RenameRequest",
    ("org/deregistrations/", "pk"): "org.Deregistration",
    ("org/merges/", "pk"): "org.UnitMerge",
    ("org/departments/", "pk"): "org.Department",
    ("org/groups/", "pk"): "org.UnitGroup",
    ("audit/events/", "seq"): "audit.AuditEvent.seq",
    ("audit/alerts/", "pk"): "audit.SecurityAlert",
    ("notify/", "pk"): "notify.Notification",
    ("notify/outbox/", "pk"): "notify.OutboxMessage",
    ("keys/applications/", "pk"): "keys.KeyApplication",
    ("keys/registry/", "pk"): "keys.LoginKey",
    ("keys/losses/", "pk"): "keys.KeyLossReport",
    ("keys/policy/rules/", "pk"): "keys.KeyPolicyRule",
    ("seals/", "pk"): "seals.Seal",
    ("seals/applications/", "pk"): "seals.SealApplication",
    ("seals/use/", "seal_pk"): "seals.Seal",
    ("seals/use/", "pk"): "seals.SealUseRequest",
    ("workflow/items/", "pk"): "workflow.WorkItem",
    ("workflow/definitions/", "pk"): "workflow.ProcessDefinition",
    ("documents/", "pk"): "documents.Document",
    ("documents/", "attachment_id"): "documents.DocumentAttachment",
    ("documents/", "item_id"): "workflow.WorkItem",
    ("exchange/", "document_id"): "documents.Document",
    ("exchange/", "delivery_id"): "exchange.Delivery",
    ("exchange/requests/", "request_id"): "exchange.DeliveryRequest",
    ("handling/", "delivery_id"): "exchange.Delivery",
    ("handling/", "pk"): "handling.Handling",
    ("handling/", "item_id"): "workflow.WorkItem",
    ("handling/delegations/", "pk"): "handling.Delegation",
    ("meetings/", "pk"): "meetings.Meeting",
    ("meetings/", "invitation_pk"): "meetings.Invitation",
    ("meetings/", "upload_pk"): "meetings.MeetingMaterial",
    ("meetings/", "attendee_pk"): "meetings.Attendee",
    ("mail/", "message_id"): "messaging.Message",
    ("mail/", "pk"): "messaging.MailboxEntry",
    ("mail/", "attachment_id"): "messaging.MailAttachment",
    ("bulletins/", "pk"): "bulletins.Notice",
    ("bulletins/", "attachment_pk"): "bulletins.NoticeAttachment",
    ("bulletins/reports/", "pk"): "bulletins.InfoReport",
    ("bulletins/reports/", "attachment_pk"): "bulletins.ReportAttachment",
    ("library/folders/", "pk"): "library.Folder",
    ("library/items/", "pk"): "library.Item",
    ("library/items/", "number"): "library.Version.number",
    ("library/items/", "share_id"): "library.Share",
    ("library/trash/", "pk"): "library.Item",
    ("library/admins/", "pk"): "library.LibraryAdmin",
    ("directory/", "pk"): "org.Unit",
    ("assets/", "pk"): "assets.Asset",
    ("assets/managers/", "pk"): "assets.AssetManager",
    ("assets/repairs/", "pk"): "assets.RepairRequest",
    ("assets/loans/", "pk"): "assets.LoanRequest",
    ("assets/internet/", "pk"): "assets.InternetRequest",
    ("assets/stocktakes/", "pk"): "assets.StockTake",
    ("tickets/", "pk"): "tickets.Ticket",
    ("tickets/", "attachment_pk"): "tickets.TicketAttachment",
    ("tickets/", "notice_pk"): "tickets.TicketNotice",
    ("schedules/", "leader_id"): "accounts.User",
    ("schedules/", "pk"): "schedules.Event",
}
# Values for the string parameters (the first ones are real).
STR_VALUES: dict[str, tuple[str, ...]] = {
    "folder": ("inbox", "sent", "drafts", "trash", "nope", "%00"),
    "action": ("take", "escalate", "acknowledge", "start", "resolve", "close", "reopen", "nope"),
    "token": ("forged-token", "a" * 300),
}
# Pages that log people out, end a session or would stop the sweep early.
SKIP_POST = {"accounts/logout/"}


# --- a populated city -------------------------------------------------------------------


def _upload(person: Any, name: str = "说明.txt", text: str = "测试附件正文") -> Any:
    from wenshu.files.services import file_ingest

    return file_ingest(actor=person, name=name, data_or_fileobj=text.encode(), purpose="fuzz")


def _sent_to_b(city: Any) -> Any:
    """A document of unit A sealed, sent to unit B, verified, signed for and taken into
    unit B's handling flow; returns the delivery."""
    from wenshu.exchange import services as exchange
    from wenshu.exchange.tests.conftest import make_seal, seal_document
    from wenshu.handling.services import delivery_import

    seal = make_seal(city)
    seal_document(city, seal, title="关于报送预算执行情况的通知")  # stays sealed, to dispatch
    doc = seal_document(city, seal)
    [delivery] = exchange.document_send(
        actor=city.a_clerk,
        document=doc,
        main_units=[city.b],
        print_allowed=2,
        idempotency_key=secrets.token_hex(8),
    )
    exchange.delivery_verify(actor=city.b_clerk, delivery=delivery)
    delivery.refresh_from_db()
    exchange.delivery_sign(
        actor=city.b_clerk,
        delivery=delivery,
        data=exchange.registration_defaults(delivery=delivery),
    )
    delivery.refresh_from_db()
    delivery_import(actor=city.b_clerk, delivery=delivery)
    return delivery


def _office_work(city: Any) -> None:
    from wenshu.assets.tests.conftest import register
    from wenshu.bulletins import services
    from wenshu.bulletins.tests.conftest import publish, report
    from wenshu.library.tests.conftest import personal_item, unit_item
    from wenshu.meetings import services as meetings
    from wenshu.meetings.tests.conftest import meeting_input
    from wenshu.schedules import services as schedules
    from wenshu.search.tests.conftest import send_mail
    from wenshu.tickets.tests.conftest import report as ticket_report

    for sender, to in ((city.a_clerk, city.a_staff), (city.b_clerk, city.b_staff)):
        send_mail(
            sender, to, subject="关于值班安排的通知", body="请按表值班。", files=(("表.txt", b"x"),)
        )
    meetings.meeting_create(
        actor=city.a_clerk,
        data=meeting_input(unit_ids=[city.a.pk, city.b.pk], person_ids=[city.a_leader.pk]),
        materials=[_upload(city.a_clerk, "议程.txt")],
    )
    publish(city, attachments=[_upload(city.a_clerk)])
    publish(city, author=city.b_clerk, title="关于教育系统值班的通知")
    services.receiver_set(actor=city.shuziban, unit=city.gov_office, active=True)
    report(city, receiver=city.gov_office)
    unit_item(city.a_clerk)
    personal_item(city.a_staff)
    unit_item(city.b_clerk, title="教育局文件")
    ticket_report(city.a_clerk)
    ticket_report(city.b_clerk, summary="无法打印")
    register(city, "ZC-FUZZ-001", custodian=city.a_staff)
    start = timezone.now() + timedelta(days=1)
    for person in (city.a_leader, city.b_leader):
        schedules.event_create(
            actor=person,
            data=schedules.EventInput(title="调研", start_at=start, end_at=start + timedelta(1)),
        )


def _keys_and_accounts(city: Any) -> None:
    from wenshu.accounts.api_auth import token_digest
    from wenshu.accounts.models import ApiToken
    from wenshu.keys.tests.conftest import active_totp, applied
    from wenshu.org.models import Department, UnitGroup

    for person in (city.a_clerk, city.b_clerk):
        token = secrets.token_urlsafe(24)
        ApiToken.objects.create(
            user=person, name="测试", prefix=token[:8], digest=token_digest(token)
        )
    applied(city)
    active_totp(city, holder=city.a_clerk)
    Department.objects.create(unit=city.a, name="办公室")
    Department.objects.create(unit=city.b, name="办公室")
    UnitGroup.objects.create(name="市直各部门").units.add(city.a, city.b)


def populate(city: Any) -> None:
    _keys_and_accounts(city)
    _sent_to_b(city)
    _office_work(city)


# --- URLs --------------------------------------------------------------------------------


def url_patterns() -> list[tuple[str, Any]]:
    """(route, pattern) of every page outside /api/, in a fixed order."""
    found: list[tuple[str, Any]] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and not route.startswith(("api/", "admin/", "static/")):
                found.append((route, p))

    walk(get_resolver().url_patterns, "")
    return found


def model_ids(label: str, limit: int = 2) -> list[str]:
    app_label, name, *column = label.split(".")
    model = apps.get_model(app_label, name)
    col = column[0] if column else "pk"
    values = list(model._default_manager.order_by(col).values_list(col, flat=True).distinct())
    # The first and the last: typically one of unit A's objects and one of unit B's.
    picked = [values[0], values[-1]] if values else []
    return [str(v) for v in dict.fromkeys(picked)][:limit]


def kwarg_model(route: str, kwarg: str) -> str | None:
    best = None
    for (prefix, name), label in ID_MODELS.items():
        longer = best is None or len(prefix) > len(best[0])
        if name == kwarg and route.startswith(prefix) and longer:
            best = (prefix, label)
    return best[1] if best else None


def route_params(route: str) -> list[tuple[str, str]]:
    """[(converter, name)] of a route such as "documents/<int:pk>/steps/<int:item_id>/"."""
    params = []
    for part in route.split("<")[1:]:
        spec = part.split(">", 1)[0]
        conv, _, name = spec.rpartition(":")
        params.append((conv or "str", name))
    return params


def fill(route: str, values: dict[str, str]) -> str:
    path = route
    for conv_name in [p.split(">", 1)[0] for p in route.split("<")[1:]]:
        name = conv_name.rpartition(":")[2]
        path = path.replace(f"<{conv_name}>", values[name], 1)
    return "/" + path


def urls_for(route: str, *, forged: bool) -> list[str]:
    """Real-id URLs (forged=False) or URLs with one forged id each (forged=True)."""
    params = route_params(route)
    if not params:
        return [] if forged else ["/" + route]
    real: dict[str, list[str]] = {}
    for conv, name in params:
        if conv in ("int",):
            label = kwarg_model(route, name)
            real[name] = model_ids(label) if label else ["1"]
            real[name] = real[name] or ["1"]
        else:
            real[name] = list(STR_VALUES.get(name, ("x",)))
    names = [n for _, n in params]
    if not forged:
        combos = itertools.product(*(real[n] for n in names))
        return [fill(route, dict(zip(names, c, strict=True))) for c in itertools.islice(combos, 4)]
    out = []
    for conv, name in params:
        if conv != "int":
            continue
        for bad in FORGED_IDS:
            values = {n: real[n][0] for n in names}
            values[name] = bad
            out.append(fill(route, values))
    return out


# --- forms -------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name → plausible value
    kinds: dict[str, str] = field(default_factory=dict)  # name → input type
    choices: dict[str, list[str]] = field(default_factory=dict)
    multi: set[str] = field(default_factory=set)


class FormParser(HTMLParser):
    """The POST forms of a page with a plausible value for each field."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "option" and self.form is not None and self.select is not None:
            self.option(attrs)
            return
        if tag == "form":
            if attrs.get("method", "get").lower() == "post":
                action = urljoin(self.page_url, attrs.get("action") or self.page_url)
                self.form = Form(action=action)
                self.forms.append(self.form)
            else:
                self.form = None
            return
        form, name = self.form, attrs.get("name", "")
        if form is None or not name or name == "csrfmiddlewaretoken":
            return
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            if kind in ("checkbox", "radio"):
                form.choices.setdefault(name, []).append(attrs.get("value", "on"))
                if kind == "checkbox":
                    form.multi.add(name)
                if name in form.fields and "checked" not in attrs:
                    return
            form.kinds[name] = kind
            form.fields[name] = attrs.get("value", "") or plausible(kind, name)
        elif tag == "select":
            self.select = name
            form.kinds[name] = "select"
            form.fields.setdefault(name, "")
            if "multiple" in attrs:
                form.multi.add(name)
        elif tag == "textarea":
            self.textarea = name
            form.kinds[name] = "textarea"
            form.fields[name] = "测试内容"

    def option(self, attrs: dict[str, str]) -> None:
        assert self.form is not None and self.select is not None
        value = attrs.get("value", "")
        self.form.choices.setdefault(self.select, []).append(value)
        if value and not self.form.fields.get(self.select):
            self.form.fields[self.select] = value

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.form = None


def plausible(kind: str, name: str) -> str:
    today = timezone.localdate()
    if kind == "date" or name.endswith(("_on", "date")):
        return (today + timedelta(days=3)).isoformat()
    if kind == "datetime-local" or name.endswith("_at"):
        return f"{(today + timedelta(days=3)).isoformat()}T09:00"
    if kind == "time":
        return "09:00"
    if kind == "number":
        return "1"
    if kind == "email":
        return "a@example.cn"
    if kind == "file":
        return ""
    return "测试"


def forms_of(page_url: str, html: str) -> list[Form]:
    parser = FormParser(page_url)
    parser.feed(html)
    return [f for f in parser.forms if urlsplit(f.action).netloc in ("", "testserver")]


CHOICE_KINDS = ("select", "checkbox", "radio", "hidden", "number")


def garbage(form: Form, other_ids: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(label, POST data): all fields garbage at once, then one field at a time with the
    others plausible, so that the garbage gets past the form to the services and the database."""
    base = dict(form.fields)
    names = [n for n in form.fields if form.kinds.get(n) != "file"]
    whole = {
        "long": LONG,
        "nul": "a\x00b",
        "huge": HUGE,
        "negative": "-1",
        "bad-date": "2026-02-30",
        "unknown-choice": "__nope__",
    }
    for label, value in whole.items():
        yield f"all-{label}", {**base, **dict.fromkeys(names, value)}
    yield "all-list", {**base, **{n: ["1", "2", "x"] for n in names}}
    yield "all-other-unit", {**base, **{n: other_ids for n in names}}
    for n in names:
        kind = form.kinds.get(n, "text")
        if kind in CHOICE_KINDS:
            yield f"{n}=huge", {**base, n: HUGE}
            yield f"{n}=other-unit", {**base, n: other_ids}
        elif kind in ("date", "datetime-local"):
            yield (
                f"{n}=far-future",
                {**base, n: "9999-12-31" + ("T23:59" if "time" in kind else "")},
            )
        else:
            yield f"{n}=long", {**base, n: LONG}
    files = [n for n in form.fields if form.kinds.get(n) == "file"]
    if files:
        bad_file = SimpleUploadedFile("名" * 300 + ".txt", b"\x00" * 10)
        yield "file-long-name", {**base, files[0]: bad_file}


# --- the sweep ---------------------------------------------------------------------------


@dataclass
class Sweep:
    failures: list[str] = field(default_factory=list)
    requests: int = 0
    last_exc: list[str] = field(default_factory=list)

    def hook(self, sender: Any, request: Any = None, **kwargs: Any) -> None:
        self.last_exc.append(traceback.format_exc(limit=-3))

    def call(self, client: Client, who: str, method: str, url: str, data: Any = None) -> Any:
        self.requests += 1
        if self.requests % 500 == 0:
            import sys
            import time

            print("PF", self.requests, time.time(), len(self.failures), file=sys.stderr)
        self.last_exc.clear()
        with transaction.atomic():
            response = client.get(url) if method == "GET" else client.post(url, data or {})
            if response.status_code >= 500:
                transaction.set_rollback(True)
        if response.status_code >= 500:
            shown = {k: (str(v)[:20] if v else v) for k, v in (data or {}).items()}
            where = "".join(self.last_exc)[-900:]
            self.failures.append(f"{who} {method} {url} {shown} → {response.status_code}\n{where}")
        return response


def client_for(user: Any) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user, backend="wenshu.accounts.backends.WenshuBackend")
    return c


@pytest.fixture
def sweep(city: Any, clamd_socket: Any) -> Iterator[Sweep]:
    populate(city)
    s = Sweep()
    got_request_exception.connect(s.hook)
    try:
        yield s
    finally:
        got_request_exception.disconnect(s.hook)


def report(s: Sweep) -> str:
    return f"{len(s.failures)} of {s.requests} requests answered 5xx:\n\n" + "\n\n".join(
        s.failures[:40]
    )


def probe(sweep: Sweep, client: Client, who: str, route: str, url: str) -> None:
    """GET the URL, then POST nothing to it unless the GET already said there is no such page."""
    status = sweep.call(client, who, "GET", url).status_code
    if status != 404 and route not in SKIP_POST:
        sweep.call(client, who, "POST", url)


def test_it_answers_forged_ids_and_empty_posts_without_a_500(city: Any, sweep: Sweep) -> None:
    clerk = client_for(city.a_clerk)
    readers = [(p.username, client_for(p)) for p in (city.a_admin, city.a_leader)]
    outsider = client_for(city.b_clerk)
    for route, _ in url_patterns():
        real = urls_for(route, forged=False)
        for url in real + urls_for(route, forged=True):
            probe(sweep, clerk, "a_clerk", route, url)
        for url in real[:1]:  # unit A's object, as the outsider and as two more roles of A
            probe(sweep, outsider, "b_clerk", route, url)
            for who, client in readers:
                sweep.call(client, who, "GET", url)
    assert not sweep.failures, report(sweep)


def test_it_answers_garbage_in_every_form_without_a_500(city: Any, sweep: Sweep) -> None:
    other_ids = [str(city.b.pk), str(city.b_clerk.pk), HUGE]
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for who, user in (("a_clerk", city.a_clerk), ("a_admin", city.a_admin)):
        client = client_for(user)
        for route, _ in url_patterns():
            if route in SKIP_POST:
                continue
            for url in urls_for(route, forged=False)[:2]:
                page = sweep.call(client, who, "GET", url)
                if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
                    continue
                for form in forms_of("http://testserver" + url, page.content.decode()):
                    key = (urlsplit(form.action).path, tuple(sorted(form.fields)))
                    if key in seen or key[0].rstrip("/").endswith("logout"):
                        continue
                    seen.add(key)
                    for _label, data in garbage(form, other_ids):
                        sweep.call(client, who, "POST", key[0], data)
    assert not sweep.failures, report(sweep)


def test_it_answers_404_for_an_id_beyond_any_database_integer(city: Any, login: Any) -> None:
    client = login(city.a_clerk)
    response = client.get(f"/exchange/documents/{HUGE}/")
    assert response.status_code == 404
    assert "找不到" in response.content.decode()


def test_it_refuses_a_nul_byte_with_a_chinese_message(city: Any, login: Any) -> None:
    client = login(city.a_clerk)
    response = client.post("/tickets/new/", {"summary": "打印机\x00故障", "category": "other"})
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
    assert not apps.get_model("tickets", "Ticket").objects.exists()


def test_it_refuses_an_overflowing_id_in_a_multiple_choice(city: Any, login: Any) -> None:
    client = login(city.a_clerk)
    data = {"kind": "notice", "title": "通知", "body": "正文", "audience": "units"}
    response = client.post("/bulletins/new/", {**data, "units": [str(city.b.pk), HUGE]})
    assert response.status_code < 500
    assert not apps.get_model("bulletins", "Notice").objects.exists()


def test_it_refuses_an_all_day_event_in_the_year_9999(city: Any, login: Any) -> None:
    client = login(city.a_staff)
    data = {"title": "调研", "start_at": "9999-12-31T09:00", "end_at": "9999-12-31T10:00"}
    response = client.post("/schedules/events/new/", {**data, "all_day": "on"})
    assert response.status_code == 400
    assert "日期超出可用范围" in response.content.decode()
    assert not apps.get_model("schedules", "Event").objects.exists()
