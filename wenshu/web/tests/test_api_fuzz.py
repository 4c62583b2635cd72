"""Every operation of /api/v1 under schemathesis, as an outside fuzzer would run it.

The schema is the live /api/v1/openapi.json, served in-process through Django's WSGI handler
(same thread, so the test's database transaction and the city fixture are visible). Three
callers: an anonymous one, unit A's clerk with a browser session (cookie + CSRF token), and
the outsider b_clerk aiming every path id at unit A's real objects. Each response must be
no 5xx, match the documented schema, and when it is an error, be JSON with a `detail`.

Bounded and deterministic: few examples per operation, derandomized, no example database,
no shrinking; the coverage phase (dozens of boundary cases per operation) is left to the
outside run.
"""

from __future__ import annotations

import itertools
import re
import secrets
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.api import api

SCHEMA_PATH = "/api/v1/openapi.json"

FUZZ_CONFIG = """
[generation]
deterministic = true
database = "none"
no-shrink = true
"""

FUZZ_SETTINGS = settings(
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
)

_OPENAPI: dict[str, Any] = {}


def openapi() -> dict[str, Any]:
    # Building the schema takes a second; it does not depend on the database.
    if not _OPENAPI:
        _OPENAPI.update(api.get_openapi_schema(path_prefix="/api/v1/"))
    return _OPENAPI


def load_schema() -> Any:
    config = SchemathesisConfig.from_str(FUZZ_CONFIG)
    schema = schemathesis.openapi.from_dict(openapi(), config=config)
    schema.app = WSGIHandler()
    return schema


@pytest.fixture
def in_process(db: Any) -> Iterator[None]:
    """Requests share the test's transaction: Django must not close the connection between them
    (its own test client detaches the same handler)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def schema(in_process: None) -> Any:
    return load_schema()


@schemathesis.check
def error_is_json_with_detail(ctx: Any, response: Any, case: Any) -> bool | None:
    """An error is {"error", "message", "detail"} JSON, never an HTML page or plain text."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith("application/json"), (
        f"{response.status_code} is {content_type!r}, not JSON"
    )
    body = response.json()
    assert isinstance(body, dict) and "detail" in body, f"no `detail` in {body!r}"
    return None


@schemathesis.check
def documented_method_is_routed(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 405 for a documented operation means an earlier route with a path parameter
    swallows this path (e.g. GET /{id} before POST /delegations)."""
    assert response.status_code != 405, "405: another route shadows this documented operation"
    return None


CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    error_is_json_with_detail,
    documented_method_is_routed,
]


def session_of(user: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(cookies, headers) of a browser session: session cookie, CSRF cookie and header."""
    client = Client()
    client.force_login(user, backend="wenshu.accounts.backends.WenshuBackend")
    csrf = secrets.token_hex(16)
    cookies = {"wenshu_session": client.cookies["wenshu_session"].value, "wenshu_csrftoken": csrf}
    return cookies, {"X-CSRFToken": csrf}


def unit_a_ids(city: Any) -> list[int]:
    """Real objects of unit A made through the services: a ticket, a notice, a schedule entry,
    plus unit A and its clerk themselves."""
    from wenshu.bulletins import services as bulletins
    from wenshu.schedules import services as schedules
    from wenshu.tickets import services as tickets

    ticket = tickets.ticket_report(
        actor=city.a_clerk,
        data=tickets.ReportInput(
            category="exchange", summary="无法接收来文", urgency="normal", to_office=False
        ),
    )
    notice = bulletins.notice_create(
        actor=city.a_clerk,
        data=bulletins.NoticeInput(
            title="关于做好节日值班工作的通知",
            body="各处室：请按排班表做好节日期间值班工作。",
            expires_on=timezone.localdate() + timedelta(days=30),
        ),
    )
    start = timezone.now() + timedelta(days=1)
    event = schedules.event_create(
        actor=city.a_clerk,
        data=schedules.EventInput(
            title="处务会", start_at=start, end_at=start + timedelta(hours=1)
        ),
        leader=None,
    )
    return sorted({ticket.pk, notice.pk, event.pk, city.a.pk, city.a_clerk.pk})


# Sent with the caller's own session it would log the rest of the run out.
ENDS_THE_SESSION = {"POST /api/v1/accounts/logout"}


def fuzz(
    schema: Any,
    *,
    examples: int,
    cookies: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    path_ids: Iterator[int] | None = None,
    modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
    prepare: Callable[[Any], None] | None = None,
    seen: Counter[tuple[str, int]] | None = None,
) -> list[str]:
    """Run every operation with `examples` cases of each mode; the failures found.

    `path_ids` replaces every path parameter (operations without one are skipped); `prepare`
    may change a generated case before it is sent; `seen` counts (method, status) answered."""
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if cookies and operation.label in ENDS_THE_SESSION:
            continue
        fixed = None
        if path_ids is not None:
            names = re.findall(r"{(\w+)}", operation.path)
            if not names:
                continue
            fixed = {name: next(path_ids) for name in names}
        for mode in modes:
            run = one_operation(
                operation.as_strategy(mode, path_parameters=fixed),
                examples=examples,
                cookies=cookies,
                headers=headers,
                prepare=prepare,
                seen=Counter() if seen is None else seen,
            )
            try:
                run()
            except Unsatisfiable:
                continue  # nothing invalid to make for an operation without parameters
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{operation.label} ({mode}): {exc}")
    return failures


def one_operation(
    strategy: Any,
    *,
    examples: int,
    cookies: dict[str, str] | None,
    headers: dict[str, str] | None,
    prepare: Callable[[Any], None] | None,
    seen: Counter[tuple[str, int]],
) -> Callable[[], None]:
    @settings(FUZZ_SETTINGS, max_examples=examples)
    @given(case=strategy)
    def run(case: Any) -> None:
        if prepare is not None:
            prepare(case)
        response = case.call(cookies=cookies, headers=headers)
        seen[case.method.upper(), response.status_code] += 1
        case.validate_response(response, checks=CHECKS)

    return run


def test_an_anonymous_caller_gets_json_4xx(city: Any, schema: Any) -> None:
    # Authentication runs before any parsing, so valid data is enough here; the endpoints open
    # to anyone (login, account requests) get invalid data in the clerk's run.
    failures = fuzz(schema, examples=1, modes=(GenerationMode.POSITIVE,))
    assert not failures, "\n\n".join(failures)


def test_unit_a_clerk_never_gets_a_server_error(city: Any, schema: Any) -> None:
    cookies, headers = session_of(city.a_clerk)
    seen: Counter[tuple[str, int]] = Counter()
    failures = fuzz(schema, examples=2, cookies=cookies, headers=headers, seen=seen)
    assert not failures, "\n\n".join(failures)
    # The session and its CSRF token were accepted: writes went through, not only refusals.
    assert seen["GET", 200] > 50 and seen["POST", 201] + seen["POST", 200] > 10, seen


def test_the_outsider_aiming_at_unit_a_ids_gets_json_4xx(city: Any, schema: Any) -> None:
    cookies, headers = session_of(city.b_clerk)
    ids = itertools.cycle(unit_a_ids(city))
    failures = fuzz(
        schema,
        examples=2,
        cookies=cookies,
        headers=headers,
        path_ids=ids,
        modes=(GenerationMode.POSITIVE,),
    )
    assert not failures, "\n\n".join(failures)


HOSTILE = {
    "nul": lambda value: f"{value}\x00" if isinstance(value, str) else value,
    "huge": lambda value: (
        2**64 if isinstance(value, int) and not isinstance(value, bool) else value
    ),
}


def hostile(value: Any, change: Any) -> Any:
    if isinstance(value, dict):
        return {key: hostile(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [hostile(item, change) for item in value]
    return change(value)


def spoil(change: Callable[[Any], Any]) -> Callable[[Any], None]:
    def prepare(case: Any) -> None:
        case.path_parameters = hostile(case.path_parameters, change)
        case.query = hostile(case.query, change)
        if case.media_type == "application/json":
            case.body = hostile(case.body, change)

    return prepare


@pytest.mark.parametrize("change", HOSTILE.values(), ids=HOSTILE.keys())
def test_nul_characters_and_huge_numbers_are_refused_not_crashed(
    city: Any, schema: Any, change: Callable[[Any], Any]
) -> None:
    """What SQLite stores and PostgreSQL refuses (NUL in text, integers past 64 bits) must come
    back as a 4xx on both: a valid request with a NUL added to every string, or with every
    integer set to 2**64."""
    cookies, headers = session_of(city.a_clerk)
    failures = fuzz(
        schema,
        examples=1,
        cookies=cookies,
        headers=headers,
        modes=(GenerationMode.POSITIVE,),
        prepare=spoil(change),
    )
    assert not failures, "\n\n".join(failures)


# The classes of error the fuzzer found, each pinned by one plain request.


def writer(login: Any, user: Any) -> Client:
    """A logged-in test client that sends a valid CSRF token with every request."""
    client = login(user, Client())
    csrf = secrets.token_hex(16)
    client.cookies["wenshu_csrftoken"] = csrf
    client.defaults["HTTP_X_CSRFTOKEN"] = csrf
    return client


def assert_json_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"] and body["message"], body
    return body


def test_a_method_the_path_does_not_have_is_a_json_405(city, login):
    response = writer(login, city.a_clerk).delete("/api/v1/accounts/me")
    body = assert_json_error(response, 405)
    assert body["error"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_a_multipart_body_without_boundary_is_a_json_400(city, login):
    response = writer(login, city.a_clerk).post(
        "/api/v1/bulletins/uploads", b"--x--", content_type="multipart/form-data"
    )
    assert assert_json_error(response, 400)["error"] == "bad_upload"


def test_a_request_off_the_schema_lists_each_problem_in_detail(city, login):
    response = writer(login, city.a_clerk).post(
        "/api/v1/tickets", {"summary": 5}, content_type="application/json"
    )
    detail = assert_json_error(response, 422)["detail"]
    assert all({"loc", "msg", "type"} <= set(item) for item in detail), detail


def test_post_delegations_is_not_taken_for_a_handling_id(city, login):
    response = writer(login, city.a_clerk).post(
        "/api/v1/handling/delegations", {}, content_type="application/json"
    )
    assert assert_json_error(response, 422)["error"] == "validation"


def test_two_response_schemas_with_one_class_name_are_both_described():
    schemas = openapi()["components"]["schemas"]
    directory = schemas["wenshu__directory__api__UnitOut"]  # org's UnitOut came first
    assert "contact_phone" in directory["properties"]
    assert "contact_phone" not in schemas["UnitOut"]["properties"]


def test_an_id_past_64_bits_is_a_json_4xx_on_every_database(city, login):
    # A foreign-key lookup is not range-checked by Django: SQLite's driver raises OverflowError.
    response = writer(login, city.a_clerk).get(f"/api/v1/exchange/documents/{2**64}/deliveries")
    assert_json_error(response, 400 if connection.vendor == "sqlite" else 404)
