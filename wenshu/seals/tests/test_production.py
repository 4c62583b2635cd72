"""Production by the digital office: keys, certificates, SES_Seal, picture, custodians."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from asn1crypto import core
from django.core.management import call_command
from PIL import Image

from wenshu.audit.models import AuditEvent
from wenshu.lib import gm, sealpic, ses, sm2cert
from wenshu.lib.errors import Conflict, DomainError, Forbidden
from wenshu.seals import services
from wenshu.seals.models import Seal, SealMaker
from wenshu.seals.services._common import unwrap_private_key
from wenshu.seals.tests.conftest import apply_new, approve, make_seal

pytestmark = pytest.mark.django_db


def test_production_makes_a_working_seal_in_use(city, keepers):
    seal = make_seal(city, keepers, 2)
    assert seal.status == "in_use" and seal.unit == city.a and seal.threshold_k == 2
    assert seal.name == "白银市财政局公文专用章"
    assert sorted(c.person_id for c in seal.custodians.filter(active=True)) == sorted(
        p.pk for p in keepers
    )
    assert seal.valid_end - seal.valid_start > timedelta(days=365 * 5 - 1)
    app = seal.made_by_application
    assert app.status == "done" and app.handled_by == city.shuziban


def test_the_maker_is_created_lazily_once_and_signs_everything(city, keepers):
    assert not SealMaker.objects.exists()
    first, second = make_seal(city, keepers, 1), make_seal(city, keepers, 1, "official")
    maker = SealMaker.objects.get()
    assert first.maker == second.maker == maker
    maker_der = bytes(maker.cert_der)
    assert sm2cert.read_cert(maker_der).is_ca
    for seal in (first, second):
        sm2cert.verify_cert(bytes(seal.signer_cert_der), maker_der)
        parsed = ses.SESeal.load(bytes(seal.seal_der))
        assert parsed["e_seal_info"]["es_id"].native == seal.es_id
        assert bytes(parsed["cert"].native) == maker_der
        gm.verify(
            sm2cert.cert_public_key(maker_der),
            bytes(parsed["signed_value"].native),
            parsed["e_seal_info"].dump(),
        )


def test_the_private_key_is_stored_only_wrapped_under_the_kek_and_record(city, keepers):
    seal = make_seal(city, keepers, 1)
    wrapped = bytes(seal.wrapped_key)
    key = unwrap_private_key(wrapped, seal.wrap_aad)
    assert gm.public_key_to_bytes(key) == sm2cert.read_cert(bytes(seal.signer_cert_der)).public_key
    assert gm.private_key_to_der(key) not in wrapped
    with pytest.raises(gm.UnwrapError):  # copied onto another record it does not open
        unwrap_private_key(wrapped, b"wenshu:seal:OTHER")


def test_the_generated_picture_is_a_transparent_round_red_png(city, keepers):
    seal = make_seal(city, keepers, 1)
    image = Image.open(io.BytesIO(bytes(seal.picture_png)))
    assert image.format == "PNG" and image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0  # corner outside the ring: transparent
    pixels = [
        image.getpixel((x, y)) for x in range(0, image.width, 7) for y in range(0, image.height, 7)
    ]
    red = [p for p in pixels if p[3] > 200]
    assert red and all(p[0] > 150 and p[1] < 100 for p in red[:200])
    info = ses.SESeal.load(bytes(seal.seal_der))["e_seal_info"]["picture"]
    assert info["type"].native == "PNG" and info["width"].native == 42


def test_an_uploaded_scan_is_validated_and_used(city, keepers):
    png = sealpic.render_seal("白银市财政局", size_px=200)
    seal = services.seal_produce(
        actor=city.shuziban,
        application=approve(city, apply_new(city, keepers, 1)),
        data=services.ProductionInput(picture_png=png, diameter_mm=40),
    )
    assert bytes(seal.picture_png) == png and seal.picture_uploaded
    app = approve(city, apply_new(city, keepers, 1))
    with pytest.raises(DomainError, match="PNG"):
        services.seal_produce(
            actor=city.shuziban,
            application=app,
            data=services.ProductionInput(picture_png=b"GIF89a not a png"),
        )
    app.refresh_from_db()
    assert app.status == "approved" and Seal.objects.count() == 1


@pytest.mark.parametrize("who", ["zhengfuban", "a_admin", "sysadmin", "baomiju"])
def test_only_the_digital_office_produces(city, keepers, who):
    app = approve(city, apply_new(city, keepers, 1))
    with pytest.raises((Forbidden,)):
        services.seal_produce(actor=getattr(city, who), application=app)


def test_production_needs_an_approved_application_and_happens_once(city, keepers):
    app = apply_new(city, keepers, 1)
    with pytest.raises(Conflict):
        services.seal_produce(actor=city.shuziban, application=app)
    approve(city, app)
    services.seal_produce(actor=city.shuziban, application=app)
    with pytest.raises(Conflict):
        services.seal_produce(actor=city.shuziban, application=app)
    assert Seal.objects.count() == 1


def test_production_rechecks_the_custodians(city, keepers):
    app = approve(city, apply_new(city, keepers, 3))
    keepers[2].status = "disabled"
    keepers[2].save(update_fields=["status"])
    with pytest.raises(DomainError, match="在职"):
        services.seal_produce(actor=city.shuziban, application=app)


def test_production_refuses_silly_sizes(city, keepers):
    app = approve(city, apply_new(city, keepers, 1))
    with pytest.raises(DomainError, match="直径"):
        services.seal_produce(
            actor=city.shuziban, application=app, data=services.ProductionInput(diameter_mm=5)
        )
    with pytest.raises(DomainError, match="有效期"):
        services.seal_produce(
            actor=city.shuziban, application=app, data=services.ProductionInput(valid_years=50)
        )


def test_a_change_retires_the_old_seal_and_makes_a_new_one(city, keepers, seal):
    app = services.seal_application_submit(
        actor=city.a_clerk,
        data=services.ApplicationInput(
            kind="change",
            change_reason="rename",
            reason="单位更名",
            old_seal=seal,
            custodians=keepers[:2],
            threshold_k=1,
        ),
    )
    new = services.seal_produce(actor=city.shuziban, application=approve(city, app))
    seal.refresh_from_db()
    assert seal.status == "retired" and seal.retired_at and seal.replaced_by == new
    assert new.status == "in_use" and new.threshold_k == 1 and new.es_id != seal.es_id
    assert AuditEvent.objects.filter(action="seal.retired", target_id=str(seal.pk)).exists()


def test_the_production_audit_names_hashes_never_keys(city, keepers):
    seal = make_seal(city, keepers, 1)
    event = AuditEvent.objects.get(action="seal.produced")
    assert event.details["es_id"] == seal.es_id
    assert event.details["seal_sm3"] == gm.sm3_hex(bytes(seal.seal_der))
    assert "key" not in " ".join(event.details)


def test_the_init_command_creates_the_maker_once(city, capsys):
    call_command("seals_init_maker")
    call_command("seals_init_maker")
    out = capsys.readouterr().out
    assert "已创建" in out and "已存在" in out
    assert SealMaker.objects.count() == 1
    assert AuditEvent.objects.filter(action="seal.maker_created").count() == 1


def test_init_maker_refuses_a_person_who_is_not_the_digital_office(city):
    with pytest.raises(Forbidden):
        services.seal_maker_init(actor=city.a_admin)
    maker, created = services.seal_maker_init(actor=city.shuziban)
    assert created and maker.created_by == city.shuziban


def test_every_structure_parses_as_der(city, keepers):
    seal = make_seal(city, keepers, 1)
    for der in (bytes(seal.seal_der), bytes(seal.signer_cert_der), bytes(seal.maker.cert_der)):
        assert core.Sequence.load(der, strict=True).dump() == der
