from datetime import timedelta

import pytest
from django.utils import timezone

from wenshu.accounts import services
from wenshu.accounts.api_auth import token_digest
from wenshu.accounts.models import ApiToken, User
from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, NotFound
from wenshu.org.models import Unit


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_token_is_stored_only_as_its_sm3_digest(city):
    token, raw = services.api_token_create(actor=city.a_clerk, name="收文脚本")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == token_digest(raw) and len(stored.digest) == 64
    assert raw not in (stored.digest, stored.prefix) and raw.startswith(stored.prefix)
    assert raw not in str(list(AuditEvent.objects.values_list("details", flat=True)))


def test_a_token_authenticates_api_calls(city, client):
    _, raw = services.api_token_create(actor=city.a_clerk, name="脚本")
    response = client.get("/api/v1/accounts/me", **bearer(raw))
    assert response.status_code == 200 and response.json()["username"] == "a_clerk"
    assert ApiToken.objects.get().last_used_at is not None


def test_a_revoked_token_is_refused_with_401(city, client):
    token, raw = services.api_token_create(actor=city.a_clerk, name="脚本")
    services.api_token_revoke(actor=city.a_clerk, token_id=token.pk)
    response = client.get("/api/v1/accounts/me", **bearer(raw))
    assert response.status_code == 401 and response.json()["error"] == "unauthenticated"


def test_an_expired_token_is_refused_with_401(city, client):
    token, raw = services.api_token_create(
        actor=city.a_clerk, name="脚本", expires_at=timezone.now() + timedelta(days=1)
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/accounts/me", **bearer(raw)).status_code == 401


@pytest.mark.parametrize("status", [User.Status.DISABLED, User.Status.CLOSED])
def test_a_token_of_a_disabled_person_is_refused(city, client, status):
    _, raw = services.api_token_create(actor=city.a_clerk, name="脚本")
    User.objects.filter(pk=city.a_clerk.pk).update(status=status)
    assert client.get("/api/v1/accounts/me", **bearer(raw)).status_code == 401


def test_a_token_of_a_deregistered_unit_is_refused(city, client):
    _, raw = services.api_token_create(actor=city.a_clerk, name="脚本")
    Unit.objects.filter(pk=city.a.pk).update(status=Unit.Status.DEREGISTERED)
    assert client.get("/api/v1/accounts/me", **bearer(raw)).status_code == 401


def test_a_made_up_token_is_refused(city, client):
    assert client.get("/api/v1/accounts/me", **bearer("wst_made-up")).status_code == 401


def test_someone_elses_token_cannot_be_revoked(city):
    token, _ = services.api_token_create(actor=city.a_clerk, name="脚本")
    with pytest.raises(NotFound):
        services.api_token_revoke(actor=city.b_clerk, token_id=token.pk)
    with pytest.raises(NotFound):
        services.api_token_revoke(actor=city.a_admin, token_id=token.pk)


def test_revoking_twice_is_a_conflict(city):
    token, _ = services.api_token_create(actor=city.a_clerk, name="脚本")
    services.api_token_revoke(actor=city.a_clerk, token_id=token.pk)
    with pytest.raises(Conflict):
        services.api_token_revoke(actor=city.a_clerk, token_id=token.pk)


@pytest.mark.parametrize(
    "name, expires, message",
    [
        ("", None, "用途"),
        ("脚本", timezone.now() - timedelta(days=1), "有效期"),
    ],
)
def test_bad_token_requests_are_refused(city, name, expires, message):
    with pytest.raises(DomainError, match=message):
        services.api_token_create(actor=city.a_clerk, name=name, expires_at=expires)


def test_the_tokens_page_shows_a_new_token_once(city, login):
    c = login(city.a_clerk)
    response = c.post("/accounts/tokens/", {"name": "收文脚本"})
    assert response.status_code == 201
    page = response.content.decode()
    assert 'class="once-secret"' in page and "no-store" in response.headers["Cache-Control"]
    listing = c.get("/accounts/tokens/").content.decode()
    assert "收文脚本" in listing and "once-secret" not in listing
    token = ApiToken.objects.get()
    assert c.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    assert ApiToken.objects.get().revoked_at is not None


def test_the_tokens_page_keeps_input_on_refusal(city, login):
    c = login(city.a_clerk)
    response = c.post("/accounts/tokens/", {"name": "旧脚本", "expires_on": "2001-01-01"})
    assert response.status_code == 400
    assert (
        "有效期须晚于当前时间" in response.content.decode()
        and 'value="旧脚本"' in response.content.decode()
    )


def test_another_persons_token_revoke_page_is_a_404(city, login):
    token, _ = services.api_token_create(actor=city.a_clerk, name="脚本")
    assert login(city.b_clerk).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_the_api_creates_lists_and_revokes_tokens(city, login):
    c = login(city.a_clerk)
    created = c.post("/api/v1/accounts/tokens", {"name": "脚本"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["token"].startswith("wst_")
    listed = c.get("/api/v1/accounts/tokens").json()
    assert [t["name"] for t in listed] == ["脚本"] and "token" not in listed[0]
    revoked = c.post(f"/api/v1/accounts/tokens/{listed[0]['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert c.post(f"/api/v1/accounts/tokens/{listed[0]['id']}/revoke").status_code == 409
    assert c.post("/api/v1/accounts/tokens/999999/revoke").status_code == 404
