"""SM2 X.509 certificates: structure, round trips, chaining, and openssl as an outside judge."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from asn1crypto import pem, x509

from wenshu.lib import gm, sm2cert

NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Pki:
    ca_key: gm.PrivateKey
    ca_der: bytes
    ee_key: gm.PrivateKey
    ee_der: bytes


def _make_ca(key: gm.PrivateKey, name: str = "某市电子印章制作中心") -> bytes:
    return sm2cert.make_ca(
        key=key,
        common_name=name,
        organization="某市人民政府办公室",
        not_before=NOW - DAY,
        not_after=NOW + 3650 * DAY,
    )


def _issue(ca_key: gm.PrivateKey, ca_der: bytes, ee_key: gm.PrivateKey) -> bytes:
    return sm2cert.issue_cert(
        issuer_key=ca_key,
        issuer_cert_der=ca_der,
        subject_public_key=ee_key.public_key(),
        common_name="某市财政局公文专用章",
        organization="某市财政局",
        not_before=NOW,
        not_after=NOW + 365 * DAY,
        serial=4242,
    )


@pytest.fixture(scope="module")
def pki() -> Pki:
    ca_key, ee_key = gm.generate_private_key(), gm.generate_private_key()
    ca_der = _make_ca(ca_key)
    return Pki(ca_key, ca_der, ee_key, _issue(ca_key, ca_der, ee_key))


def _openssl() -> str:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not on PATH")
    return openssl


def _flip(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


# --- structure ---------------------------------------------------------------------------


def test_it_round_trips_through_asn1crypto_byte_identical(pki: Pki) -> None:
    for der in (pki.ca_der, pki.ee_der):
        assert x509.Certificate.load(der).dump(force=True) == der


def test_it_writes_der_that_openssl_asn1parse_reads(pki: Pki, tmp_path: Path) -> None:
    openssl = _openssl()
    for name, der in (("ca", pki.ca_der), ("ee", pki.ee_der)):
        path = tmp_path / f"{name}.der"
        path.write_bytes(der)
        result = subprocess.run(
            [openssl, "asn1parse", "-inform", "DER", "-in", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "1.2.156.10197.1.501" in result.stdout or "SM2-with-SM3" in result.stdout


def test_it_writes_the_sm2_algorithm_identifiers(pki: Pki) -> None:
    cert = x509.Certificate.load(pki.ee_der)
    spki = cert["tbs_certificate"]["subject_public_key_info"]["algorithm"]
    assert spki["algorithm"].dotted == "1.2.840.10045.2.1"
    assert spki["parameters"].chosen.dotted == "1.2.156.10197.1.301"
    assert cert["signature_algorithm"]["algorithm"].dotted == "1.2.156.10197.1.501"
    assert cert["tbs_certificate"]["signature"]["algorithm"].dotted == "1.2.156.10197.1.501"


def test_it_writes_chinese_names_as_utf8string(pki: Pki) -> None:
    cert = x509.Certificate.load(pki.ee_der)
    for rdn in cert.subject.chosen:
        for attribute in rdn:
            value = attribute["value"]
            expected = (
                "printable_string"
                if attribute["type"].native == "country_name"
                else ("utf8_string")
            )
            assert value.name == expected
    assert cert.subject.native["common_name"] == "某市财政局公文专用章"


def test_it_makes_the_authority_a_ca(pki: Pki) -> None:
    cert = x509.Certificate.load(pki.ca_der)
    assert cert.ca is True
    assert cert.max_path_length == 0
    assert cert.key_usage_value.native == {"key_cert_sign", "crl_sign"}
    assert cert.subject == cert.issuer


def test_it_makes_seal_certs_end_entity_signing_certs(pki: Pki) -> None:
    cert = x509.Certificate.load(pki.ee_der)
    assert cert.ca is False
    assert cert.key_usage_value.native == {"digital_signature", "non_repudiation"}
    assert cert.authority_key_identifier == x509.Certificate.load(pki.ca_der).key_identifier
    assert cert.serial_number == 4242


def test_it_gives_random_positive_serials(pki: Pki) -> None:
    first = x509.Certificate.load(_make_ca(pki.ca_key)).serial_number
    second = x509.Certificate.load(_make_ca(pki.ca_key)).serial_number
    assert first != second
    assert 0 < first < 1 << 159


def test_it_uses_generalized_time_from_2050(pki: Pki) -> None:
    der = sm2cert.make_ca(
        key=pki.ca_key,
        common_name="长期根",
        organization="某市人民政府办公室",
        not_before=NOW,
        not_after=dt.datetime(2056, 1, 1, tzinfo=dt.UTC),
    )
    validity = x509.Certificate.load(der)["tbs_certificate"]["validity"]
    assert validity["not_before"].name == "utc_time"
    assert validity["not_after"].name == "general_time"
    assert sm2cert.cert_validity(der)[1] == dt.datetime(2056, 1, 1, tzinfo=dt.UTC)


# --- reading -----------------------------------------------------------------------------


def test_it_reads_the_public_key(pki: Pki) -> None:
    public_key = sm2cert.cert_public_key(pki.ee_der)
    assert gm.public_key_to_bytes(public_key) == gm.public_key_to_bytes(pki.ee_key)


def test_it_reads_the_validity(pki: Pki) -> None:
    assert sm2cert.cert_validity(pki.ee_der) == (NOW, NOW + 365 * DAY)


def test_it_tells_whether_a_moment_is_within_validity(pki: Pki) -> None:
    assert sm2cert.is_valid_at(pki.ee_der, NOW)
    assert sm2cert.is_valid_at(pki.ee_der, NOW + 365 * DAY)
    assert not sm2cert.is_valid_at(pki.ee_der, NOW - dt.timedelta(seconds=1))
    assert not sm2cert.is_valid_at(pki.ee_der, NOW + 366 * DAY)


def test_it_summarises_a_certificate(pki: Pki) -> None:
    info = sm2cert.read_cert(pki.ee_der)
    assert info.subject_cn == "某市财政局公文专用章"
    assert info.subject_org == "某市财政局"
    assert info.issuer_cn == "某市电子印章制作中心"
    assert info.serial == 4242
    assert info.is_ca is False
    assert info.public_key == gm.public_key_to_bytes(pki.ee_key)


def test_it_refuses_garbage() -> None:
    with pytest.raises(sm2cert.CertError):
        sm2cert.load_cert(b"\x30\x03\x02\x01\x01")


def test_it_refuses_trailing_bytes(pki: Pki) -> None:
    with pytest.raises(sm2cert.CertError):
        sm2cert.load_cert(pki.ee_der + b"\x00")


def test_it_refuses_a_certificate_that_is_not_sm2() -> None:
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec as nist_ec
    from cryptography.x509.oid import NameOID

    key = nist_ec.generate_private_key(nist_ec.SECP256R1())
    name = cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, "p256")])
    builder = cx509.CertificateBuilder(
        issuer_name=name,
        subject_name=name,
        public_key=key.public_key(),
        serial_number=1,
        not_valid_before=NOW,
        not_valid_after=NOW + DAY,
    )
    der = builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    with pytest.raises(sm2cert.CertError):
        sm2cert.load_cert(der)


# --- issuing refusals --------------------------------------------------------------------


def test_it_refuses_naive_times(pki: Pki) -> None:
    with pytest.raises(sm2cert.CertError):
        sm2cert.make_ca(
            key=pki.ca_key,
            common_name="根",
            organization="某市",
            not_before=dt.datetime(2026, 1, 1),
            not_after=dt.datetime(2027, 1, 1),
        )


def test_it_refuses_a_validity_that_ends_before_it_starts(pki: Pki) -> None:
    with pytest.raises(sm2cert.CertError):
        sm2cert.make_ca(
            key=pki.ca_key, common_name="根", organization="某市", not_before=NOW, not_after=NOW
        )


def test_it_refuses_an_issuer_key_that_does_not_match(pki: Pki) -> None:
    with pytest.raises(sm2cert.CertError):
        _issue(gm.generate_private_key(), pki.ca_der, pki.ee_key)


def test_it_refuses_an_end_entity_as_issuer(pki: Pki) -> None:
    with pytest.raises(sm2cert.CertError):
        _issue(pki.ee_key, pki.ee_der, gm.generate_private_key())


# --- verifying ---------------------------------------------------------------------------


def test_it_verifies_an_issued_certificate(pki: Pki) -> None:
    sm2cert.verify_cert(pki.ee_der, pki.ca_der)


def test_it_verifies_the_self_signed_root(pki: Pki) -> None:
    sm2cert.verify_cert(pki.ca_der, pki.ca_der)


def test_it_rejects_a_certificate_with_a_flipped_byte(pki: Pki) -> None:
    position = pki.ee_der.index("某市财政局".encode()) + 1  # inside the subject name
    with pytest.raises(gm.BadSignature):
        sm2cert.verify_cert(_flip(pki.ee_der, position), pki.ca_der)


def test_it_rejects_a_flipped_signature(pki: Pki) -> None:
    with pytest.raises(gm.BadSignature):
        sm2cert.verify_cert(_flip(pki.ee_der, len(pki.ee_der) - 1), pki.ca_der)


def test_it_rejects_a_lookalike_ca_with_the_same_name(pki: Pki) -> None:
    impostor = _make_ca(gm.generate_private_key())
    with pytest.raises(gm.BadSignature):
        sm2cert.verify_cert(pki.ee_der, impostor)


def test_it_rejects_a_ca_with_another_name(pki: Pki) -> None:
    other = _make_ca(gm.generate_private_key(), name="另一个制章中心")
    with pytest.raises(sm2cert.CertError):
        sm2cert.verify_cert(pki.ee_der, other)


def test_it_issues_certificates_that_openssl_verifies(pki: Pki, tmp_path: Path) -> None:
    openssl = _openssl()
    (tmp_path / "ca.pem").write_bytes(pem.armor("CERTIFICATE", pki.ca_der))
    (tmp_path / "ee.pem").write_bytes(pem.armor("CERTIFICATE", pki.ee_der))
    command = [
        openssl, "verify", "-vfyopt", "distid:1234567812345678", "-attime",
        str(int((NOW + DAY).timestamp())), "-CAfile", str(tmp_path / "ca.pem"),
        str(tmp_path / "ee.pem"),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if "vfyopt" in result.stderr:  # an openssl older than 3.0 cannot pass the SM2 user id
        pytest.skip(f"this openssl cannot verify SM2 certificates: {result.stderr.strip()}")
    assert result.returncode == 0, result.stdout + result.stderr
