"""SM3/SM2/SM4 through wenshu.lib.gm, checked against published values and other implementations.

Independent checks: gmssl (pure Python) and the openssl command line verify what gm signs,
and gm verifies what gmssl signs and the published GM/T 0003.5 example signature.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
from gmssl import sm2 as gmssl_sm2
from tongsuopy.crypto.asymciphers import ec
from tongsuopy.crypto.ciphers import Cipher, algorithms, modes

from wenshu.lib import gm

# GM/T 0003.5-2012 Annex A (= GB/T 32918.5-2017): sm2p256v1, user id 1234567812345678.
EXAMPLE_PRIVATE = 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8
EXAMPLE_PUBLIC = bytes.fromhex(
    "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
)
EXAMPLE_MESSAGE = b"message digest"
EXAMPLE_NONCE = "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21"
EXAMPLE_SIGNATURE = bytes.fromhex(
    "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
    "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
)


def _gmssl(private_key: gm.PrivateKey | None, public_raw: bytes) -> gmssl_sm2.CryptSM2:
    private_hex = f"{private_key.private_numbers().private_value:064x}" if private_key else ""
    crypt = gmssl_sm2.CryptSM2(private_key=private_hex, public_key=public_raw.hex())
    # gmssl's constructor lstrips "04" from the key (and so eats a leading 0x04 of x): reset.
    crypt.public_key = public_raw.hex()
    return crypt


# --- SM3 ---------------------------------------------------------------------------------


def test_it_hashes_abc_to_the_published_sm3_value() -> None:
    expected = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert gm.sm3(b"abc").hex() == expected


def test_it_hashes_a_64_byte_message_to_the_published_sm3_value() -> None:
    expected = "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    assert gm.sm3(b"abcd" * 16).hex() == expected


def test_it_gives_the_digest_as_hex() -> None:
    assert gm.sm3_hex(b"abc") == gm.sm3(b"abc").hex()
    assert len(gm.sm3(b"")) == 32


# --- SM4 ---------------------------------------------------------------------------------


def test_it_encrypts_the_published_sm4_block() -> None:
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    ciphertext = encryptor.update(key) + encryptor.finalize()
    assert ciphertext.hex() == "681edf34d206965e86b3e94f536e4246"


# --- SM2 signatures ----------------------------------------------------------------------


def test_it_verifies_the_published_sm2_example() -> None:
    public_key = gm.public_key_from_bytes(EXAMPLE_PUBLIC)
    gm.verify(public_key, gm.signature_from_raw(EXAMPLE_SIGNATURE), EXAMPLE_MESSAGE)


def test_it_derives_the_published_public_key() -> None:
    private_key = ec.derive_private_key(EXAMPLE_PRIVATE, ec.SM2())
    assert gm.public_key_to_bytes(private_key) == EXAMPLE_PUBLIC


def test_it_rejects_the_published_example_for_another_message() -> None:
    public_key = gm.public_key_from_bytes(EXAMPLE_PUBLIC)
    with pytest.raises(gm.BadSignature):
        gm.verify(public_key, gm.signature_from_raw(EXAMPLE_SIGNATURE), b"message digesT")


def test_it_signs_and_verifies() -> None:
    key = gm.generate_private_key()
    signature = gm.sign(key, b"document")
    gm.verify(key.public_key(), signature, b"document")


def test_it_rejects_a_signature_of_other_data() -> None:
    key = gm.generate_private_key()
    with pytest.raises(gm.BadSignature):
        gm.verify(key.public_key(), gm.sign(key, b"document"), b"documenT")


def test_it_rejects_a_signature_by_another_key() -> None:
    signature = gm.sign(gm.generate_private_key(), b"document")
    with pytest.raises(gm.BadSignature):
        gm.verify(gm.generate_private_key().public_key(), signature, b"document")


@pytest.mark.parametrize("mangle", ["flip_last", "truncate", "append", "empty", "garbage"])
def test_it_rejects_damaged_signatures_as_bad(mangle: str) -> None:
    key = gm.generate_private_key()
    signature = gm.sign(key, b"document")
    damaged = {
        "flip_last": signature[:-1] + bytes([signature[-1] ^ 1]),
        "truncate": signature[:-1],
        "append": signature + b"\x00",
        "empty": b"",
        "garbage": b"not a signature",
    }[mangle]
    with pytest.raises(gm.BadSignature):
        gm.verify(key.public_key(), damaged, b"document")


def test_it_converts_signatures_between_der_and_raw() -> None:
    signature = gm.sign(gm.generate_private_key(), b"document")
    raw = gm.signature_to_raw(signature)
    assert len(raw) == 64
    assert gm.signature_from_raw(raw) == signature


def test_it_refuses_a_raw_signature_of_the_wrong_length() -> None:
    with pytest.raises(gm.BadSignature):
        gm.signature_from_raw(b"\x01" * 63)


# --- independent implementations ---------------------------------------------------------


def test_it_makes_signatures_gmssl_verifies() -> None:
    for _ in range(5):  # several keys and nonces: leading zero bytes, short integers
        key = gm.generate_private_key()
        signature = gm.sign(key, b"seal me")
        verifier = _gmssl(None, gm.public_key_to_bytes(key))
        assert verifier.verify_with_sm3(gm.signature_to_raw(signature).hex(), b"seal me")
        assert not verifier.verify_with_sm3(gm.signature_to_raw(signature).hex(), b"seal mE")


def test_it_verifies_signatures_made_by_gmssl() -> None:
    for _ in range(5):
        key = gm.generate_private_key()
        signer = _gmssl(key, gm.public_key_to_bytes(key))
        raw_hex = signer.sign_with_sm3(b"seal me", secrets.token_hex(32))
        gm.verify(key.public_key(), gm.signature_from_raw(bytes.fromhex(raw_hex)), b"seal me")


def test_it_matches_gmssl_on_the_published_example() -> None:
    key = ec.derive_private_key(EXAMPLE_PRIVATE, ec.SM2())
    signer = _gmssl(key, EXAMPLE_PUBLIC)
    assert signer.sign_with_sm3(EXAMPLE_MESSAGE, EXAMPLE_NONCE) == EXAMPLE_SIGNATURE.hex()


def _openssl_with_sm2() -> str:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not on PATH")
    listing = subprocess.run(
        [openssl, "list", "-public-key-algorithms"], capture_output=True, text=True, check=False
    )
    if "SM2" not in listing.stdout.upper():
        pytest.skip("this openssl has no SM2")
    return openssl


def test_it_makes_signatures_openssl_verifies(tmp_path: Path) -> None:
    openssl = _openssl_with_sm2()
    key = gm.generate_private_key()
    (tmp_path / "key.pem").write_bytes(gm.private_key_to_pem(key))
    (tmp_path / "data").write_bytes(b"seal me")
    (tmp_path / "sig").write_bytes(gm.sign(key, b"seal me"))
    command = [
        openssl, "pkeyutl", "-verify", "-inkey", str(tmp_path / "key.pem"), "-rawin",
        "-digest", "sm3", "-pkeyopt", "distid:1234567812345678",
        "-in", str(tmp_path / "data"), "-sigfile", str(tmp_path / "sig"),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    (tmp_path / "data").write_bytes(b"seal mE")
    tampered = subprocess.run(command, capture_output=True, text=True, check=False)
    assert tampered.returncode != 0


# --- keys --------------------------------------------------------------------------------


def test_it_round_trips_raw_public_keys() -> None:
    key = gm.generate_private_key()
    raw = gm.public_key_to_bytes(key)
    assert len(raw) == 64
    assert gm.public_key_to_bytes(gm.public_key_from_bytes(raw)) == raw
    assert gm.public_key_to_bytes(gm.public_key_from_bytes(b"\x04" + raw)) == raw


@pytest.mark.parametrize("raw", [b"\x01" * 64, b"\x04" * 10, b"\x02" + b"\x01" * 64])
def test_it_refuses_public_keys_that_are_not_sm2_points(raw: bytes) -> None:
    with pytest.raises(gm.GmError):
        gm.public_key_from_bytes(raw)


@pytest.mark.parametrize("password", [None, b"correct horse"])
def test_it_round_trips_private_keys_as_pkcs8(password: bytes | None) -> None:
    key = gm.generate_private_key()
    from_pem = gm.private_key_from_pem(gm.private_key_to_pem(key, password), password)
    from_der = gm.private_key_from_der(gm.private_key_to_der(key, password), password)
    assert from_pem.private_numbers() == key.private_numbers()
    assert from_der.private_numbers() == key.private_numbers()


def test_it_writes_pkcs8_pem() -> None:
    pem = gm.private_key_to_pem(gm.generate_private_key())
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    encrypted = gm.private_key_to_pem(gm.generate_private_key(), b"pw")
    assert encrypted.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")


def test_it_refuses_a_wrong_key_password() -> None:
    pem = gm.private_key_to_pem(gm.generate_private_key(), b"right")
    with pytest.raises(gm.GmError):
        gm.private_key_from_pem(pem, b"wrong")


def test_it_refuses_a_private_key_that_is_not_sm2() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec as nist_ec

    p256 = nist_ec.generate_private_key(nist_ec.SECP256R1())
    der = p256.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(gm.GmError):
        gm.private_key_from_der(der)


# --- SM4-GCM key wrapping ----------------------------------------------------------------

KEK = bytes(range(16))


def test_it_wraps_and_unwraps_a_key() -> None:
    secret = secrets.token_bytes(32)
    wrapped = gm.wrap_key(KEK, secret, b"seal:42")
    assert gm.unwrap_key(KEK, wrapped, b"seal:42") == secret
    assert secret not in wrapped


def test_it_uses_a_fresh_nonce_for_every_wrap() -> None:
    first, second = gm.wrap_key(KEK, b"k" * 32, b"a"), gm.wrap_key(KEK, b"k" * 32, b"a")
    assert first != second
    assert first[0] == second[0] == 1  # format version
    assert len(first) == 1 + 12 + 32 + 16


def test_it_refuses_to_unwrap_with_another_kek() -> None:
    wrapped = gm.wrap_key(KEK, b"k" * 32, b"seal:42")
    with pytest.raises(gm.UnwrapError):
        gm.unwrap_key(bytes(16), wrapped, b"seal:42")


def test_it_refuses_to_unwrap_with_other_associated_data() -> None:
    wrapped = gm.wrap_key(KEK, b"k" * 32, b"seal:42")
    with pytest.raises(gm.UnwrapError):
        gm.unwrap_key(KEK, wrapped, b"seal:43")


@pytest.mark.parametrize("position", [0, 1, 12, 13, 30, -16, -1])
def test_it_refuses_a_wrapped_key_with_a_flipped_byte(position: int) -> None:
    wrapped = bytearray(gm.wrap_key(KEK, b"k" * 32, b"seal:42"))
    wrapped[position] ^= 0x01
    with pytest.raises(gm.UnwrapError):
        gm.unwrap_key(KEK, bytes(wrapped), b"seal:42")


def test_it_refuses_a_truncated_wrapped_key() -> None:
    wrapped = gm.wrap_key(KEK, b"k" * 32, b"seal:42")
    with pytest.raises(gm.UnwrapError):
        gm.unwrap_key(KEK, wrapped[:20], b"seal:42")


def test_it_refuses_a_kek_of_the_wrong_size() -> None:
    with pytest.raises(gm.GmError):
        gm.wrap_key(b"short", b"k" * 32, b"")


# --- wiping ------------------------------------------------------------------------------


def test_it_overwrites_key_material_in_place() -> None:
    buffer = bytearray(b"secret key material")
    view = memoryview(buffer)  # another reference to the same storage
    gm.secure_zero(buffer)
    assert bytes(view) == bytes(len(buffer))
    view.release()


def test_it_refuses_to_wipe_immutable_bytes() -> None:
    with pytest.raises(TypeError):
        gm.secure_zero(b"cannot")  # type: ignore[arg-type]


def test_it_wipes_an_empty_buffer() -> None:
    buffer = bytearray()
    gm.secure_zero(buffer)
    assert buffer == bytearray()
