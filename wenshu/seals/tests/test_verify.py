"""Verifying seal signatures: independently with gmssl, and against tampering."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
import time_machine
from asn1crypto import core
from django.utils import timezone
from gmssl import sm2

from wenshu.lib import gm, ses, sm2cert
from wenshu.lib.errors import DomainError
from wenshu.seals import services
from wenshu.seals.models import Seal
from wenshu.seals.services import verify as v

pytestmark = pytest.mark.django_db
DATA = "关于做好2026年度财政预算编制工作的通知".encode()
DIGEST = gm.sm3_hex(DATA)


def _gmssl_verify(public_key_xy: bytes, signature_der: bytes, signed: bytes) -> bool:
    """gmssl, a separate pure-Python SM2: x‖y key, set again after construction (its
    constructor lstrips "04"), signatures as hex r‖s."""
    key_hex = public_key_xy.hex()
    crypt = sm2.CryptSM2(private_key="", public_key=key_hex)
    crypt.public_key = key_hex
    return bool(crypt.verify_with_sm3(gm.signature_to_raw(signature_der).hex(), signed))


@pytest.fixture
def signed(city, seal, use):
    return services.seal_sign(actor=city.a_clerk, request=use(DIGEST))


def test_a_fresh_signature_is_valid(signed):
    verdict = services.seal_verify(signature_der=signed.signature_der, digest_hex=DIGEST)
    assert verdict.ok and verdict.reasons == ["有效"] and verdict.note == ""
    assert verdict.unit_name == "白银市财政局" and verdict.es_id == signed.es_id


def test_gmssl_verifies_the_signers_signature_over_tbs_sign(signed):
    parsed = ses.SES_Signature.load(signed.signature_der)
    public = sm2cert.read_cert(bytes(parsed["cert"].native)).public_key
    tbs = parsed["to_sign"].dump()
    assert _gmssl_verify(public, bytes(parsed["signature"].native), tbs)
    assert not _gmssl_verify(public, bytes(parsed["signature"].native), tbs + b"\x00")
    assert bytes(parsed["to_sign"]["data_hash"].native).hex() == DIGEST


def test_gmssl_verifies_the_makers_signature_over_ses_sealinfo(signed, seal):
    eseal = ses.SES_Signature.load(signed.signature_der)["to_sign"]["eseal"]
    maker_public = sm2cert.read_cert(bytes(eseal["cert"].native)).public_key
    assert maker_public == sm2cert.read_cert(bytes(seal.maker.cert_der)).public_key
    assert _gmssl_verify(
        maker_public, bytes(eseal["signed_value"].native), eseal["e_seal_info"].dump()
    )


def test_gmssl_signs_with_a_secrets_nonce_and_tongsuo_agrees(signed):
    """The other direction: gmssl's signature (nonce from secrets) verifies in Tongsuo."""
    key = gm.generate_private_key()
    crypt = sm2.CryptSM2(
        private_key=format(key.private_numbers().private_value, "064x"),
        public_key=gm.public_key_to_bytes(key).hex(),
    )
    crypt.public_key = gm.public_key_to_bytes(key).hex()
    raw = crypt.sign_with_sm3(DATA, secrets.token_hex(32))
    gm.verify(key.public_key(), gm.signature_from_raw(bytes.fromhex(raw)), DATA)


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def _offset(container: bytes, part: bytes, inside: int = 0) -> int:
    at = container.index(part)
    assert container.count(part) >= 1
    return at + inside


def test_a_flipped_byte_in_the_data_says_data_changed(signed):
    verdict = services.seal_verify(
        signature_der=signed.signature_der, digest_hex=gm.sm3_hex(_flip(DATA, 3))
    )
    assert not verdict.ok and verdict.reasons == [v.V_DATA_CHANGED]


def test_a_flipped_byte_in_the_signature_says_bad_signature(signed):
    value = bytes(ses.SES_Signature.load(signed.signature_der)["signature"].native)
    tampered = _flip(signed.signature_der, _offset(signed.signature_der, value, len(value) - 3))
    verdict = services.seal_verify(signature_der=tampered, digest_hex=DIGEST)
    assert not verdict.ok and verdict.reasons == [v.V_BAD_SIGNATURE]


def test_a_flipped_byte_in_the_seal_picture_says_unknown_seal(signed, seal):
    png = bytes(seal.picture_png)
    tampered = _flip(signed.signature_der, _offset(signed.signature_der, png, len(png) // 2))
    verdict = services.seal_verify(signature_der=tampered, digest_hex=DIGEST)
    assert not verdict.ok and v.V_UNKNOWN_SEAL in verdict.reasons
    assert ses.R_BAD_SEAL_SIGNATURE in verdict.details


def test_a_flipped_byte_in_the_signer_certificate_says_bad_signature(signed, seal):
    cert = bytes(seal.signer_cert_der)
    public = sm2cert.read_cert(cert).public_key
    # The outer certificate (SES_Signature.cert) follows TBS_Sign: flip a key byte there.
    at = signed.signature_der.rindex(cert) + cert.index(public) + 10
    verdict = services.seal_verify(signature_der=_flip(signed.signature_der, at), digest_hex=DIGEST)
    assert not verdict.ok and v.V_BAD_SIGNATURE in verdict.reasons
    assert v.V_DATA_CHANGED not in verdict.reasons


def test_a_flipped_byte_in_the_makers_certificate_says_unknown_seal(signed, seal):
    maker = bytes(seal.maker.cert_der)
    at = _offset(signed.signature_der, maker, len(maker) - 20)
    verdict = services.seal_verify(signature_der=_flip(signed.signature_der, at), digest_hex=DIGEST)
    assert not verdict.ok and v.V_UNKNOWN_SEAL in verdict.reasons


def test_garbage_is_a_bad_signature_and_a_bad_digest_is_refused(signed):
    verdict = services.seal_verify(signature_der=b"\x30\x03\x02\x01\x01", digest_hex=DIGEST)
    assert not verdict.ok and verdict.reasons == [v.V_BAD_SIGNATURE]
    assert not services.seal_verify(signature_der=signed.signature_der[:100], digest_hex=DIGEST).ok
    with pytest.raises(DomainError):
        services.seal_verify(signature_der=signed.signature_der, digest_hex="xyz")


def test_a_seal_made_outside_our_registry_is_unknown(signed, seal):
    """A self-consistent seal from another 'maker' with the same esID is not ours."""
    key, maker_key = gm.generate_private_key(), gm.generate_private_key()
    now = timezone.now()
    maker = sm2cert.make_ca(
        key=maker_key,
        common_name="伪造制章机构",
        organization="x",
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=9),
    )
    cert = sm2cert.issue_cert(
        issuer_key=maker_key,
        issuer_cert_der=maker,
        subject_public_key=key.public_key(),
        common_name="x",
        organization="x",
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=9),
    )
    fake_seal = ses.make_seal(
        maker_key=maker_key,
        maker_cert_der=maker,
        es_id=seal.es_id,
        name=seal.name,
        seal_type=1,
        signer_cert_der=cert,
        picture_png=bytes(seal.picture_png),
        width_mm=42,
        height_mm=42,
        valid_start=now - timedelta(days=1),
        valid_end=now + timedelta(days=9),
        create_date=now,
    )
    forged = ses.sign_data(
        seal_der=fake_seal,
        signer_key=key,
        signer_cert_der=cert,
        data_hash=bytes.fromhex(DIGEST),
        property_info="x",
        time=now,
    )
    assert ses.verify_signature(
        forged, data_hash=bytes.fromhex(DIGEST)
    ).ok  # consistent with itself
    verdict = services.seal_verify(signature_der=forged, digest_hex=DIGEST)
    assert not verdict.ok and verdict.reasons == [v.V_UNKNOWN_SEAL]


def test_a_signature_dated_after_the_loss_is_refused(city, keepers, seal, use):
    """A signature claiming a time after the seal was suspended (e.g. made with a stolen key)."""
    req = use(DIGEST)
    signed = services.seal_sign(actor=city.a_clerk, request=req)
    Seal.objects.filter(pk=seal.pk).update(
        status="suspended", suspended_at=timezone.now() - timedelta(minutes=5)
    )
    verdict = services.seal_verify(signature_der=signed.signature_der, digest_hex=DIGEST)
    assert not verdict.ok and verdict.reasons == [v.V_SEAL_DEAD]


def test_a_signature_made_before_the_loss_stays_valid_with_a_note(city, keepers, seal, use):
    signed = services.seal_sign(actor=city.a_clerk, request=use(DIGEST))
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        services.seal_report_loss(actor=keepers[0], seal=seal, reason="遗失")
    verdict = services.seal_verify(signature_der=signed.signature_der, digest_hex=DIGEST)
    assert verdict.ok and "挂失停用，签章时有效" in verdict.note


def test_a_signature_outside_the_certificate_validity_is_refused(city, seal):
    """Signed (by the real key) at a time after the certificate ended."""
    from wenshu.seals.services._common import unwrap_private_key

    key = unwrap_private_key(seal.wrapped_key, seal.wrap_aad)
    late = seal.valid_end + timedelta(days=1)
    tbs = ses.TBS_Sign(
        {
            "version": 4,
            "eseal": ses.SESeal.load(bytes(seal.seal_der)),
            "time_info": late.replace(microsecond=0),
            "data_hash": bytes.fromhex(DIGEST),
            "property_info": "late",
        }
    )
    der = ses.SES_Signature(
        {
            "to_sign": tbs,
            "cert": bytes(seal.signer_cert_der),
            "signature_alg_id": sm2cert.SM2_WITH_SM3_OID,
            "signature": gm.sign(key, tbs.dump()),
        }
    ).dump()
    verdict = services.seal_verify(signature_der=der, digest_hex=DIGEST)
    assert not verdict.ok and verdict.reasons == [v.V_CERT_EXPIRED]


def test_the_signature_parses_as_der_with_openssl_like_strictness(signed):
    assert core.Sequence.load(signed.signature_der, strict=True).dump() == signed.signature_der
