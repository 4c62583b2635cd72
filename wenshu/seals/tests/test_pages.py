"""The seal pages: each role's forms and queues, and outsiders refused (404)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wenshu.lib import gm, sealpic
from wenshu.seals import services
from wenshu.seals.models import Seal, SealApplication, SealRules, SealUseRequest
from wenshu.seals.tests.conftest import apply_new, approve

pytestmark = pytest.mark.django_db


def _as(user):
    c = Client()
    c.force_login(user, backend="wenshu.accounts.backends.WenshuBackend")
    return c


def test_the_registry_is_for_the_digital_office_with_filters(city, seal):
    page = _as(city.shuziban).get(reverse("seals:registry"))
    assert page.status_code == 200 and seal.es_id in page.content.decode()
    page = _as(city.shuziban).get(reverse("seals:registry"), {"status": "destroyed"})
    assert seal.es_id not in page.content.decode()
    page = _as(city.shuziban).get(
        reverse("seals:registry"), {"q": seal.es_id[-6:], "unit": city.a.pk}
    )
    assert seal.es_id in page.content.decode()
    assert _as(city.a_admin).get(reverse("seals:registry")).status_code == 404


def test_the_registry_lists_without_loading_pictures_or_keys(
    city, seal, django_assert_max_num_queries
):
    c = _as(city.zhengfuban)
    with django_assert_max_num_queries(12):
        assert c.get(reverse("seals:registry")).status_code == 200


def test_a_units_people_see_its_seals_and_outsiders_do_not(city, seal):
    assert seal.es_id in _as(city.a_staff).get(reverse("seals:unit_seals")).content.decode()
    assert seal.es_id not in _as(city.b_staff).get(reverse("seals:unit_seals")).content.decode()
    assert _as(city.a_staff).get(reverse("seals:seal", args=[seal.pk])).status_code == 200
    assert _as(city.b_admin).get(reverse("seals:seal", args=[seal.pk])).status_code == 404


def test_the_picture_is_served_with_a_permission_check(city, seal, client):
    page = _as(city.a_staff).get(reverse("seals:picture", args=[seal.pk]))
    assert page.status_code == 200 and page["Content-Type"] == "image/png"
    assert page.content == bytes(seal.picture_png)
    assert _as(city.b_staff).get(reverse("seals:picture", args=[seal.pk])).status_code == 404
    assert client.get(reverse("seals:picture", args=[seal.pk])).status_code == 302  # login first
    assert _as(city.b_staff).get(reverse("seals:seal_der", args=[seal.pk])).status_code == 404
    der = _as(city.a_staff).get(reverse("seals:seal_der", args=[seal.pk]))
    assert der.content == bytes(seal.seal_der)


def test_a_clerk_applies_through_the_form(city, keepers):
    c = _as(city.a_clerk)
    assert c.get(reverse("seals:application_new")).status_code == 200
    page = c.post(
        reverse("seals:application_new"),
        {
            "kind": "new",
            "seal_type": "official",
            "reason": "本单位需要电子公章",
            "custodians": [k.pk for k in keepers],
            "threshold_k": 2,
        },
    )
    app = SealApplication.objects.get()
    assert page.status_code == 302 and page["Location"] == reverse(
        "seals:application", args=[app.pk]
    )
    assert app.threshold_k == 2 and app.custodians.count() == 3


def test_a_refused_form_keeps_what_was_typed(city, keepers):
    page = _as(city.a_clerk).post(
        reverse("seals:application_new"),
        {
            "kind": "new",
            "seal_type": "official",
            "reason": "我写的理由",
            "custodians": [keepers[0].pk],
            "threshold_k": 3,
        },
    )
    body = page.content.decode()
    assert (
        page.status_code == 400
        and "用印所需保管人同意数须在 1 到 1" in body
        and "我写的理由" in body
    )
    assert not SealApplication.objects.exists()


def test_another_units_custodian_is_not_offered_or_accepted(city, keepers):
    from conftest import make_person

    stranger = make_person("b_keeper", city.b, "seal_custodian", real_name="贝保管")
    c = _as(city.a_clerk)
    assert "贝保管" not in c.get(reverse("seals:application_new")).content.decode()
    page = c.post(
        reverse("seals:application_new"),
        {
            "kind": "new",
            "seal_type": "official",
            "reason": "r",
            "custodians": [stranger.pk],
            "threshold_k": 1,
        },
    )
    assert page.status_code == 400 and not SealApplication.objects.exists()


def test_the_head_and_the_gov_office_decide_on_the_page(city, keepers):
    app = apply_new(city, keepers, 1)
    queue = _as(city.a_leader).get(reverse("seals:queue_leader")).content.decode()
    assert f"#{app.pk}" in queue
    assert (
        f"#{app.pk}" not in _as(city.b_leader).get(reverse("seals:queue_leader")).content.decode()
    )
    page = _as(city.a_leader).post(
        reverse("seals:application_sign_off", args=[app.pk]),
        {"decision": "approve", "opinion": "同意"},
    )
    assert page.status_code == 302
    assert f"#{app.pk}" in _as(city.zhengfuban).get(reverse("seals:queue_gov")).content.decode()
    page = _as(city.zhengfuban).post(
        reverse("seals:application_decide", args=[app.pk]), {"decision": "reject", "opinion": ""}
    )
    assert page.status_code == 400 and "请填写审批意见" in page.content.decode()
    _as(city.zhengfuban).post(
        reverse("seals:application_decide", args=[app.pk]), {"decision": "approve"}
    )
    app.refresh_from_db()
    assert app.status == "approved"


def test_a_stale_page_shows_the_conflict_message(city, keepers):
    app = apply_new(city, keepers, 1)
    c = _as(city.a_leader)
    c.post(reverse("seals:application_sign_off", args=[app.pk]), {"decision": "approve"})
    page = c.post(reverse("seals:application_sign_off", args=[app.pk]), {"decision": "approve"})
    assert page.status_code == 409 and "不能签字同意" in page.content.decode()


def test_outsiders_get_404_on_application_pages_and_actions(city, keepers):
    app = apply_new(city, keepers, 1)
    c = _as(city.b_leader)
    assert c.get(reverse("seals:application", args=[app.pk])).status_code == 404
    for name in (
        "application_sign_off",
        "application_withdraw",
        "application_produce",
        "destruction_confirm",
        "destroy",
    ):
        assert (
            c.post(reverse(f"seals:{name}", args=[app.pk]), {"decision": "approve"}).status_code
            == 404
        )
    app.refresh_from_db()
    assert app.status == "submitted"


def test_the_digital_office_produces_with_an_uploaded_scan(city, keepers):
    app = approve(city, apply_new(city, keepers, 1))
    assert (
        f"#{app.pk}" in _as(city.shuziban).get(reverse("seals:queue_production")).content.decode()
    )
    png = sealpic.render_seal("白银市财政局", size_px=128)
    page = _as(city.shuziban).post(
        reverse("seals:application_produce", args=[app.pk]),
        {
            "picture": SimpleUploadedFile("seal.png", png, "image/png"),
            "diameter_mm": 42,
            "valid_years": 3,
        },
    )
    seal = Seal.objects.get()
    assert page.status_code == 302 and bytes(seal.picture_png) == png


def test_a_bad_upload_is_refused_on_the_page(city, keepers):
    app = approve(city, apply_new(city, keepers, 1))
    page = _as(city.shuziban).post(
        reverse("seals:application_produce", args=[app.pk]),
        {
            "picture": SimpleUploadedFile("seal.png", b"\x89PNG\r\n\x1a\nbroken", "image/png"),
            "diameter_mm": 42,
            "valid_years": 3,
        },
    )
    assert page.status_code == 400 and "印章图片" in page.content.decode()
    assert not Seal.objects.exists()


def test_use_is_requested_approved_and_signed_on_the_pages(city, keepers, seal):
    data = "正文".encode() * 100
    page = _as(city.a_clerk).post(
        reverse("seals:use_request_new", args=[seal.pk]),
        {"purpose": "印发通知", "data_file": SimpleUploadedFile("doc.ofd", data)},
    )
    req = SealUseRequest.objects.get()
    assert page.status_code == 302 and req.digest_hex == gm.sm3_hex(data)
    for keeper in keepers[:2]:
        c = _as(keeper)
        assert f"#{req.pk}" in c.get(reverse("seals:use_queue")).content.decode()
        c.post(
            reverse("seals:use_decide", args=[req.pk]), {"decision": "approve", "opinion": "同意"}
        )
    assert f"#{req.pk}" not in _as(keepers[0]).get(reverse("seals:use_queue")).content.decode()
    page = _as(city.a_clerk).post(reverse("seals:use_sign", args=[req.pk]))
    assert page.status_code == 302
    ses_file = _as(city.a_clerk).get(reverse("seals:use_signature", args=[req.pk]))
    assert ses_file.status_code == 200
    verdict = _as(city.b_clerk).post(
        reverse("seals:verify"),
        {
            "signature": SimpleUploadedFile("x.ses", ses_file.content),
            "data_file": SimpleUploadedFile("d", data),
        },
    )
    assert "有效" in verdict.content.decode()
    tampered = _as(city.b_clerk).post(
        reverse("seals:verify"),
        {
            "signature": SimpleUploadedFile("x.ses", ses_file.content),
            "data_file": SimpleUploadedFile("d", data + b"!"),
        },
    )
    assert "数据已被改动" in tampered.content.decode()


def test_outsiders_get_404_on_use_pages(city, seal, use):
    req = use()
    c = _as(city.b_clerk)
    assert c.get(reverse("seals:use_request", args=[req.pk])).status_code == 404
    assert (
        c.post(reverse("seals:use_decide", args=[req.pk]), {"decision": "approve"}).status_code
        == 404
    )
    assert c.post(reverse("seals:use_sign", args=[req.pk])).status_code == 404
    assert c.get(reverse("seals:use_signature", args=[req.pk])).status_code == 404
    assert c.get(reverse("seals:use_request_new", args=[seal.pk])).status_code == 404
    req.refresh_from_db()
    assert req.status == "approved"


def test_a_second_approval_by_the_same_custodian_shows_a_message(city, keepers, seal):
    req = services.seal_use_request(actor=city.a_clerk, seal=seal, digest_hex="1" * 64, purpose="x")
    c = _as(keepers[0])
    c.post(reverse("seals:use_decide", args=[req.pk]), {"decision": "approve"})
    page = c.post(reverse("seals:use_decide", args=[req.pk]), {"decision": "approve"})
    assert page.status_code == 409 and "不能重复审批" in page.content.decode()


def test_loss_is_reported_on_the_seal_page(city, keepers, seal):
    page = _as(keepers[0]).post(reverse("seals:loss", args=[seal.pk]), {"reason": "U 盾丢失"})
    assert page.status_code == 302
    seal.refresh_from_db()
    assert seal.status == "suspended"
    assert (
        _as(city.b_admin).post(reverse("seals:loss", args=[seal.pk]), {"reason": "x"}).status_code
        == 404
    )


def test_the_destruction_parties_confirm_on_the_page(city, seal):
    app = approve(
        city,
        services.seal_application_submit(
            actor=city.a_clerk,
            data=services.ApplicationInput(kind="destroy", reason="撤销", old_seal=seal),
        ),
    )
    for who, party in (
        ("zhengfuban", "gov_office"),
        ("baomiju", "secrecy_bureau"),
        ("shuziban", "digital_office"),
        ("a_leader", "owner_unit"),
    ):
        c = _as(getattr(city, who))
        assert f"#{app.pk}" in c.get(reverse("seals:queue_destruction")).content.decode()
        assert (
            c.post(
                reverse("seals:destruction_confirm", args=[app.pk]), {"party": party}
            ).status_code
            == 302
        )
        assert f"#{app.pk}" not in c.get(reverse("seals:queue_destruction")).content.decode()
    page = _as(city.shuziban).post(reverse("seals:destroy", args=[app.pk]))
    assert page.status_code == 302
    seal.refresh_from_db()
    assert seal.status == "destroyed"


def test_destroying_early_shows_who_is_missing(city, seal):
    app = approve(
        city,
        services.seal_application_submit(
            actor=city.a_clerk,
            data=services.ApplicationInput(kind="destroy", reason="撤销", old_seal=seal),
        ),
    )
    page = _as(city.shuziban).post(reverse("seals:destroy", args=[app.pk]))
    body = page.content.decode()
    assert page.status_code == 409 and "市保密局" in body and "尚未确认到场" in body


def test_rules_are_edited_by_the_unit_admin_and_shown_to_custodians(city, keepers, seal):
    page = _as(city.a_admin).post(reverse("seals:rules"), {"text": "第一条 印章由两人分别保管。"})
    assert page.status_code == 302
    assert "两人分别保管" in _as(keepers[0]).get(reverse("seals:use_queue")).content.decode()
    assert "两人分别保管" in _as(city.a_staff).get(reverse("seals:rules")).content.decode()
    assert "两人分别保管" not in _as(city.b_admin).get(reverse("seals:rules")).content.decode()
    page = _as(city.a_staff).post(reverse("seals:rules"), {"text": "改掉"})
    assert page.status_code == 403
    assert SealRules.objects.get(unit=city.a).text == "第一条 印章由两人分别保管。"


def test_the_workbench_counts_each_roles_waiting_work(city, keepers, seal):
    apply_new(city, keepers, 1)
    services.seal_use_request(actor=city.a_clerk, seal=seal, digest_hex="2" * 64, purpose="x")
    leader = _as(city.a_leader).get(reverse("web:workbench")).content.decode()
    assert "待签发印章申请" in leader
    keeper = _as(keepers[0]).get(reverse("web:workbench")).content.decode()
    assert "待用印审批" in keeper
    assert "待用印审批" not in _as(city.b_staff).get(reverse("web:workbench")).content.decode()
    from wenshu.seals import selectors

    assert selectors.count_queue(viewer=city.a_leader, which="leader") == 1
    assert selectors.count_queue(viewer=city.b_leader, which="leader") == 0
    assert selectors.count_queue(viewer=keepers[0], which="use") == 1
    assert selectors.count_queue(viewer=city.zhengfuban, which="gov") == 0
