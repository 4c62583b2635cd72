"""Exchange packages (交换包) of sealed official documents: build, write, verify.

A package is a ZIP holding ``manifest.json``, ``document.json`` (canonical metadata), the
body under ``body/``, the attachments under ``attachments/``, the rendered
``document.pdf``, ``seal.der`` (GB/T 38540 SES_Seal) and ``signature.der``
(SES_Signature). The seal signs ``SM3(canonical_json(manifest core))``, which covers every
other file through its SM3 (see `manifest`). Pure Python: no Django, no database; the
specification for integrators is ``docs/parts/package.md``.

    manifest = build_manifest(document=metadata, members=members)
    …sign manifest.digest with the seal…
    data = write_package(manifest=manifest, members=members, seal_der=…, signature_der=…)
    verdict = verify_package(data, trusted_maker_certs=[maker_cert_der])
"""

from .build import build_manifest, package_entries, write_package
from .canonical import canonical_json, is_canonical
from .container import DEFAULT_LIMITS, Limits
from .errors import CanonicalJsonError, PackageError
from .manifest import FORMAT, Manifest, Member, MemberEntry
from .names import (
    DOCUMENT_NAME,
    MANIFEST_NAME,
    PDF_NAME,
    SEAL_NAME,
    SIGNATURE_NAME,
    MemberRole,
    member_name,
)
from .verify import (
    MAKER_EMBEDDED,
    MAKER_TRUSTED,
    MAKER_UNTRUSTED,
    W_NO_TRUSTED_MAKER,
    MemberCheck,
    PackageVerdict,
    verify_package,
)

__all__ = [
    "DEFAULT_LIMITS",
    "DOCUMENT_NAME",
    "FORMAT",
    "MAKER_EMBEDDED",
    "MAKER_TRUSTED",
    "MAKER_UNTRUSTED",
    "MANIFEST_NAME",
    "PDF_NAME",
    "SEAL_NAME",
    "SIGNATURE_NAME",
    "W_NO_TRUSTED_MAKER",
    "CanonicalJsonError",
    "Limits",
    "Manifest",
    "Member",
    "MemberCheck",
    "MemberEntry",
    "MemberRole",
    "PackageError",
    "PackageVerdict",
    "build_manifest",
    "canonical_json",
    "is_canonical",
    "member_name",
    "package_entries",
    "verify_package",
    "write_package",
]
