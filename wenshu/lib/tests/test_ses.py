"""GB/T 38540 seals and seal signatures: making, signing, verifying, and tampering."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from asn1crypto import core
from gmssl import sm2 as gmssl_sm2
from PIL import Image

from wenshu.lib import gm, ses, sm2cert

NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
SIGNED_AT = NOW + 10 * DAY
DOCUMENT_HASH = gm.sm3("市财政局关于做好2026年预算执行工作的通知".encode())


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (8, 8), (220, 30, 35, 255)).save(buffer, format="PNG")
    return buffer.getvalue()


PICTURE = _png()


@dataclass(frozen=True)
class World:
    maker_key: gm.PrivateKey
    maker_der: bytes
    signer_key: gm.PrivateKey
    signer_der: bytes
    seal_der: bytes
    signature_der: bytes


def _issue_signer(
    maker_key: gm.PrivateKey, maker_der: bytes, key: gm.PrivateKey, not_before: dt.datetime = NOW
) -> bytes:
    return sm2cert.issue_cert(
        issuer_key=maker_key,
        issuer_cert_der=maker_der,
        subject_public_key=key.public_key(),
        common_name="SEAL-0001 某市财政局公文专用章",
        organization="某市财政局",
        not_before=not_before,
        not_after=NOW + 100 * DAY,
    )


def _make_maker() -> tuple[gm.PrivateKey, bytes]:
    key = gm.generate_private_key()
    der = sm2cert.make_ca(
        key=key,
        common_name="某市电子印章制作中心",
        organization="某市人民政府办公室",
        not_before=NOW - DAY,
        not_after=NOW + 3650 * DAY,
    )
    return key, der


def _make_seal(maker_key: gm.PrivateKey, maker_der: bytes, signer_der: bytes) -> bytes:
    return ses.make_seal(
        maker_key=maker_key,
        maker_cert_der=maker_der,
        es_id="33010000000001",
        name="某市财政局公文专用章",
        seal_type=ses.SEAL_TYPE_ORGANIZATION,
        signer_cert_der=signer_der,
        picture_png=PICTURE,
        width_mm=42,
        height_mm=42,
        valid_start=NOW,
        valid_end=NOW + 50 * DAY,
        create_date=NOW,
    )


def _sign(world: World, **changes: object) -> bytes:
    arguments: dict[str, object] = {
        "seal_der": world.seal_der,
        "signer_key": world.signer_key,
        "signer_cert_der": world.signer_der,
        "data_hash": DOCUMENT_HASH,
        "property_info": "doc=FZ-2026-12;range=all",
        "time": SIGNED_AT,
    }
    arguments.update(changes)
    return ses.sign_data(**arguments)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def world() -> World:
    maker_key, maker_der = _make_maker()
    signer_key = gm.generate_private_key()
    signer_der = _issue_signer(maker_key, maker_der, signer_key)
    seal_der = _make_seal(maker_key, maker_der, signer_der)
    partial = World(maker_key, maker_der, signer_key, signer_der, seal_der, b"")
    return World(maker_key, maker_der, signer_key, signer_der, seal_der, _sign(partial))


def _forge(
    world: World,
    *,
    signer_der: bytes,
    time: dt.datetime,
    algorithm: str = sm2cert.SM2_WITH_SM3_OID,
) -> bytes:
    """Sign as a careless vendor would, skipping the checks `sign_data` makes."""
    tbs = ses.TBS_Sign(
        {
            "version": 4,
            "eseal": ses.SESeal.load(world.seal_der),
            "time_info": time,
            "data_hash": DOCUMENT_HASH,
            "property_info": "forged",
        }
    )
    signature = ses.SES_Signature(
        {
            "to_sign": tbs,
            "cert": signer_der,
            "signature_alg_id": algorithm,
            "signature": gm.sign(world.signer_key, tbs.dump()),
        }
    )
    return bytes(signature.dump())


def _flip(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


def _verify(signature_der: bytes, world: World, data_hash: bytes = DOCUMENT_HASH) -> ses.Verdict:
    return ses.verify_signature(signature_der, data_hash=data_hash, maker_cert_der=world.maker_der)


# --- the happy path ----------------------------------------------------------------------


def test_it_verifies_a_fresh_signature(world: World) -> None:
    verdict = _verify(world.signature_der, world)
    assert verdict.reasons == []
    assert verdict.ok is True


def test_it_returns_what_the_signature_claims(world: World) -> None:
    verdict = _verify(world.signature_der, world)
    assert verdict.es_id == "33010000000001"
    assert verdict.seal_name == "某市财政局公文专用章"
    assert verdict.seal_type == ses.SEAL_TYPE_ORGANIZATION
    assert verdict.signing_time == SIGNED_AT
    assert verdict.signer_cert_der == world.signer_der
    assert verdict.maker_cert_der == world.maker_der
    assert verdict.picture == PICTURE
    assert verdict.picture_type == "PNG"
    assert verdict.picture_size_mm == (42, 42)
    assert verdict.property_info == "doc=FZ-2026-12;range=all"
    assert (verdict.seal_valid_start, verdict.seal_valid_end) == (NOW, NOW + 50 * DAY)


def test_it_checks_internal_consistency_without_a_trusted_maker(world: World) -> None:
    verdict = ses.verify_signature(world.signature_der, data_hash=DOCUMENT_HASH)
    assert verdict.ok is True


def test_it_keeps_the_seal_bytes_unchanged_inside_the_signature(world: World) -> None:
    assert world.seal_der in world.signature_der


def test_it_stores_times_to_the_second_in_utc(world: World) -> None:
    moment = dt.datetime(2026, 3, 11, 16, 0, 0, 999_999, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    verdict = _verify(_sign(world, time=moment), world)
    assert verdict.signing_time == dt.datetime(2026, 3, 11, 8, 0, 0, tzinfo=dt.UTC)


# --- encoding ----------------------------------------------------------------------------


def test_it_round_trips_structures_through_asn1crypto_byte_identical(world: World) -> None:
    assert ses.SESeal.load(world.seal_der).dump(force=True) == world.seal_der
    signature = ses.SES_Signature.load(world.signature_der)
    assert signature.dump(force=True) == world.signature_der


def test_it_writes_structures_openssl_asn1parse_reads(world: World, tmp_path: Path) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not on PATH")
    for name, der in (("seal", world.seal_der), ("signature", world.signature_der)):
        path = tmp_path / f"{name}.der"
        path.write_bytes(der)
        result = subprocess.run(
            [openssl, "asn1parse", "-inform", "DER", "-i", "-in", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert ":ES" in result.stdout
        assert "GENERALIZEDTIME" in result.stdout


def test_it_writes_the_header_and_property_fields(world: World) -> None:
    info = ses.SESeal.load(world.seal_der)["e_seal_info"]
    assert info["header"].native == {"id": "ES", "version": 4, "vid": "WENSHU"}
    prop = info["property"]
    assert prop["cert_list_type"].native == ses.CERT_LIST_TYPE_CERTS
    assert [bytes(c.native) for c in prop["cert_list"]] == [world.signer_der]
    assert prop["create_date"].native == NOW


def test_it_has_the_maker_sign_exactly_the_seal_info_der(world: World) -> None:
    # Read with a generic parser, not ses's own classes, and check with gmssl.
    seal = core.Sequence.load(world.seal_der)
    signed_bytes, signature = seal[0].dump(), core.OctetBitString.load(seal[3].dump())
    assert _gmssl_verifies(world.maker_key, bytes(signature.native), signed_bytes)


def test_it_has_the_signer_sign_exactly_the_tbs_sign_der(world: World) -> None:
    signature = core.Sequence.load(world.signature_der)
    signed_bytes, value = signature[0].dump(), core.OctetBitString.load(signature[3].dump())
    assert _gmssl_verifies(world.signer_key, bytes(value.native), signed_bytes)


def _gmssl_verifies(key: gm.PrivateKey, der_signature: bytes, data: bytes) -> bool:
    public_hex = gm.public_key_to_bytes(key).hex()
    verifier = gmssl_sm2.CryptSM2(private_key="", public_key=public_hex)
    verifier.public_key = public_hex  # its constructor may strip a leading "04" of x
    return bool(verifier.verify_with_sm3(gm.signature_to_raw(der_signature).hex(), data))


# --- tampering ---------------------------------------------------------------------------


def test_it_detects_changed_data(world: World) -> None:
    verdict = _verify(world.signature_der, world, data_hash=_flip(DOCUMENT_HASH, 5))
    assert verdict.ok is False
    assert verdict.reasons == [ses.R_DATA_CHANGED]


def test_it_detects_a_flipped_byte_in_the_signed_data_hash(world: World) -> None:
    position = world.signature_der.index(DOCUMENT_HASH) + 5
    verdict = _verify(_flip(world.signature_der, position), world)
    assert ses.R_DATA_CHANGED in verdict.reasons
    assert ses.R_BAD_SIGNATURE in verdict.reasons


def test_it_detects_a_flipped_byte_in_the_signature(world: World) -> None:
    verdict = _verify(_flip(world.signature_der, len(world.signature_der) - 1), world)
    assert verdict.ok is False
    assert verdict.reasons == [ses.R_BAD_SIGNATURE]


def test_it_detects_a_flipped_byte_in_the_seal_picture(world: World) -> None:
    position = world.signature_der.index(PICTURE) + len(PICTURE) // 2
    verdict = _verify(_flip(world.signature_der, position), world)
    assert verdict.ok is False
    assert ses.R_BAD_SEAL_SIGNATURE in verdict.reasons
    assert ses.R_BAD_SIGNATURE in verdict.reasons  # the seal is inside what the signer signed


def test_it_detects_a_flipped_byte_in_the_signer_certificate(world: World) -> None:
    # The signer certificate is both in the seal's list and after TBS_Sign: flip the latter.
    start = world.signature_der.rindex(world.signer_der)
    position = start + world.signer_der.index(b"SEAL-0001") + 8
    verdict = _verify(_flip(world.signature_der, position), world)
    assert verdict.ok is False
    assert ses.R_SIGNER_NOT_IN_SEAL in verdict.reasons
    assert ses.R_SIGNER_NOT_ISSUED_BY_MAKER in verdict.reasons


def test_it_detects_a_flipped_byte_in_the_maker_certificate(world: World) -> None:
    # The last byte of the embedded maker certificate is the last byte of its signature.
    position = world.signature_der.index(world.maker_der) + len(world.maker_der) - 1
    verdict = _verify(_flip(world.signature_der, position), world)
    assert verdict.ok is False
    assert ses.R_MAKER_UNTRUSTED in verdict.reasons
    assert ses.R_BAD_SIGNATURE in verdict.reasons


def test_it_detects_a_seal_made_by_an_untrusted_maker(world: World) -> None:
    rogue_key, rogue_der = _make_maker()  # same name as the real authority, other key
    signer_der = _issue_signer(rogue_key, rogue_der, world.signer_key)
    rogue_seal = _make_seal(rogue_key, rogue_der, signer_der)
    rogue = World(rogue_key, rogue_der, world.signer_key, signer_der, rogue_seal, b"")
    verdict = _verify(_sign(rogue), world)
    assert verdict.reasons == [ses.R_MAKER_UNTRUSTED]


def test_it_refuses_a_signature_algorithm_other_than_sm2_with_sm3(world: World) -> None:
    ecdsa_with_sha256 = "1.2.840.10045.4.3.2"
    forged = _forge(world, signer_der=world.signer_der, time=SIGNED_AT, algorithm=ecdsa_with_sha256)
    assert _verify(forged, world).reasons == [ses.R_UNSUPPORTED]


def test_it_reports_garbage_as_malformed(world: World) -> None:
    verdict = _verify(b"\x30\x03\x02\x01\x04", world)
    assert verdict == ses.Verdict(ok=False, reasons=[ses.R_MALFORMED])


def test_it_reports_trailing_bytes_as_malformed(world: World) -> None:
    verdict = _verify(world.signature_der + b"\x00", world)
    assert verdict.reasons == [ses.R_MALFORMED]


# --- time and membership -----------------------------------------------------------------


def test_it_detects_a_signer_certificate_out_of_validity_at_signing_time(world: World) -> None:
    # The seal runs to day 50 and the certificate to day 100: sign at day 120 — both fail.
    late = NOW + 120 * DAY
    verdict = _verify(_forge(world, signer_der=world.signer_der, time=late), world)
    assert ses.R_CERT_EXPIRED in verdict.reasons
    assert ses.R_SEAL_EXPIRED in verdict.reasons


def test_it_detects_a_signer_certificate_not_yet_valid_at_signing_time(world: World) -> None:
    signer_der = _issue_signer(world.maker_key, world.maker_der, world.signer_key, NOW + 20 * DAY)
    seal_der = _make_seal(world.maker_key, world.maker_der, signer_der)
    early = World(world.maker_key, world.maker_der, world.signer_key, signer_der, seal_der, b"")
    verdict = _verify(_forge(early, signer_der=signer_der, time=SIGNED_AT), world)
    assert verdict.reasons == [ses.R_CERT_EXPIRED]


def test_it_detects_signing_outside_the_seal_validity(world: World) -> None:
    verdict = _verify(_forge(world, signer_der=world.signer_der, time=NOW + 60 * DAY), world)
    assert verdict.reasons == [ses.R_SEAL_EXPIRED]


def test_it_detects_a_signer_certificate_not_in_the_seal(world: World) -> None:
    other_der = _issue_signer(world.maker_key, world.maker_der, world.signer_key)
    verdict = _verify(_forge(world, signer_der=other_der, time=SIGNED_AT), world)
    assert verdict.reasons == [ses.R_SIGNER_NOT_IN_SEAL]


# --- refusals when making and signing ----------------------------------------------------


def test_it_refuses_to_sign_with_a_certificate_not_in_the_seal(world: World) -> None:
    other_der = _issue_signer(world.maker_key, world.maker_der, world.signer_key)
    with pytest.raises(ses.SesError, match=ses.R_SIGNER_NOT_IN_SEAL):
        _sign(world, signer_cert_der=other_der)


def test_it_refuses_to_sign_outside_the_seal_validity(world: World) -> None:
    with pytest.raises(ses.SesError, match=ses.R_SEAL_EXPIRED):
        _sign(world, time=NOW + 60 * DAY)


def test_it_refuses_to_sign_with_a_key_that_does_not_match_the_certificate(world: World) -> None:
    with pytest.raises(ses.SesError):
        _sign(world, signer_key=gm.generate_private_key())


def test_it_refuses_a_data_hash_that_is_not_sm3_sized(world: World) -> None:
    with pytest.raises(ses.SesError):
        _sign(world, data_hash=b"\x01" * 20)


def test_it_refuses_non_ascii_property_info(world: World) -> None:
    with pytest.raises(ses.SesError):
        _sign(world, property_info="文号")


def test_it_refuses_to_sign_a_malformed_seal(world: World) -> None:
    with pytest.raises(ses.SesError, match=ses.R_MALFORMED):
        _sign(world, seal_der=world.seal_der[:-1])


def test_it_refuses_to_sign_with_a_seal_whose_maker_signature_is_broken(world: World) -> None:
    position = world.seal_der.index(PICTURE) + len(PICTURE) // 2
    with pytest.raises(ses.SesError, match=ses.R_BAD_SEAL_SIGNATURE):
        _sign(world, seal_der=_flip(world.seal_der, position))


def test_it_refuses_a_maker_key_that_does_not_match_the_maker_certificate(world: World) -> None:
    with pytest.raises(ses.SesError):
        _make_seal(gm.generate_private_key(), world.maker_der, world.signer_der)


def test_it_refuses_a_picture_that_is_not_png(world: World) -> None:
    with pytest.raises(ses.SesError):
        ses.make_seal(
            maker_key=world.maker_key,
            maker_cert_der=world.maker_der,
            es_id="1",
            name="某章",
            seal_type=1,
            signer_cert_der=world.signer_der,
            picture_png=b"GIF89a....",
            width_mm=42,
            height_mm=42,
            valid_start=NOW,
            valid_end=NOW + DAY,
            create_date=NOW,
        )


def test_it_refuses_a_non_ascii_seal_id(world: World) -> None:
    with pytest.raises(ses.SesError):
        ses.make_seal(
            maker_key=world.maker_key,
            maker_cert_der=world.maker_der,
            es_id="章一",
            name="某章",
            seal_type=1,
            signer_cert_der=world.signer_der,
            picture_png=PICTURE,
            width_mm=42,
            height_mm=42,
            valid_start=NOW,
            valid_end=NOW + DAY,
            create_date=NOW,
        )
