"""A software FIDO2 authenticator for tests: ES256 keys, "none" attestation, real signatures.

It answers the JSON options the server sends to the browser with the JSON the browser would
post back (as static/keys/webauthn.js builds it), so registration and login are tested end to
end without hardware. Knobs let a test misbehave: another origin, a replayed response, a
chosen signature counter (to simulate a cloned key).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

FLAG_UP, FLAG_UV, FLAG_AT = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Credential:
    credential_id: bytes
    private_key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    sign_count: int = 0


@dataclass
class SoftAuthenticator:
    origin: str
    aaguid: bytes = field(default_factory=lambda: bytes(16))
    credentials: dict[bytes, Credential] = field(default_factory=dict)

    # ------------------------------------------------------------ registration

    def create(self, options: dict[str, Any], *, origin: str | None = None) -> dict[str, Any]:
        """navigator.credentials.create(): a new ES256 credential with "none" attestation."""
        rp_id = options["rp"]["id"]
        excluded = {unb64url(d["id"]) for d in options.get("excludeCredentials") or []}
        if excluded & set(self.credentials):
            raise ValueError("InvalidStateError: authenticator already registered")
        cred = Credential(
            credential_id=secrets.token_bytes(32),
            private_key=ec.generate_private_key(ec.SECP256R1()),
            rp_id=rp_id,
            user_handle=unb64url(options["user"]["id"]),
        )
        self.credentials[cred.credential_id] = cred
        attested = (
            self.aaguid
            + struct.pack(">H", len(cred.credential_id))
            + cred.credential_id
            + self._cose(cred)
        )
        auth_data = self._auth_data(rp_id, FLAG_UP | FLAG_UV | FLAG_AT, cred.sign_count) + attested
        client = self._client_data("webauthn.create", options["challenge"], origin)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64url(cred.credential_id),
            "rawId": b64url(cred.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "cross-platform",
            "response": {
                "clientDataJSON": b64url(client),
                "attestationObject": b64url(attestation),
                "transports": ["usb"],
            },
        }

    # ------------------------------------------------------------ authentication

    def get(
        self,
        options: dict[str, Any],
        *,
        origin: str | None = None,
        credential_id: bytes | None = None,
        sign_count: int | None = None,
    ) -> dict[str, Any]:
        """navigator.credentials.get(): sign authData ‖ SHA-256(clientDataJSON)."""
        cred = self._pick(options, credential_id)
        cred.sign_count = cred.sign_count + 1 if sign_count is None else sign_count
        auth_data = self._auth_data(
            options.get("rpId") or cred.rp_id, FLAG_UP | FLAG_UV, cred.sign_count
        )
        client = self._client_data("webauthn.get", options["challenge"], origin)
        signature = cred.private_key.sign(
            auth_data + hashlib.sha256(client).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64url(cred.credential_id),
            "rawId": b64url(cred.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "cross-platform",
            "response": {
                "clientDataJSON": b64url(client),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(cred.user_handle),
            },
        }

    def _pick(self, options: dict[str, Any], credential_id: bytes | None) -> Credential:
        if credential_id is not None:
            return self.credentials[credential_id]
        allowed = [unb64url(d["id"]) for d in options.get("allowCredentials") or []]
        for cid in allowed:
            if cid in self.credentials:
                return self.credentials[cid]
        raise LookupError("NotAllowedError: no matching credential on this authenticator")

    # ------------------------------------------------------------ encoding

    @staticmethod
    def _auth_data(rp_id: str, flags: int, sign_count: int) -> bytes:
        return (
            hashlib.sha256(rp_id.encode("utf-8")).digest()
            + bytes([flags])
            + struct.pack(">I", sign_count)
        )

    @staticmethod
    def _cose(cred: Credential) -> bytes:
        numbers = cred.private_key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps(
            {
                "type": kind,
                "challenge": challenge,
                "origin": origin or self.origin,
                "crossOrigin": False,
            }
        ).encode("utf-8")
