"""Verifying a package offline: no database, only the bytes and, ideally, the trusted
certificate of the seal-making authority (制章机构)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wenshu.lib import gm, ses, sm2cert

from .build import package_entries
from .container import DEFAULT_LIMITS, Limits, ZipContents, build_zip, read_zip
from .manifest import FORMAT, ParsedManifest, parse_manifest, signed_digest_of
from .names import DOCUMENT_NAME, MANIFEST_NAME, SEAL_NAME, SIGNATURE_NAME, shown
from .sesparts import embedded_maker_cert, embedded_seal

__all__ = [
    "MAKER_EMBEDDED",
    "MAKER_TRUSTED",
    "MAKER_UNTRUSTED",
    "W_NO_TRUSTED_MAKER",
    "MemberCheck",
    "PackageVerdict",
    "verify_package",
]

MAKER_TRUSTED = "trusted"  # the seal's maker certificate is one the caller trusts
MAKER_UNTRUSTED = "untrusted"  # the caller named trusted certificates; this is none of them
MAKER_EMBEDDED = "embedded"  # none named: only the certificate inside the seal was used
W_NO_TRUSTED_MAKER = "未指定受信任的制章证书，仅校验了包内一致性"
W_CONTAINER = "交换包的 ZIP 结构不是 wenshu-package/1 规定的规范形式（可能被重新打包）"
R_CONTAINER = "交换包的 ZIP 结构与 wenshu-package/1 规定的规范形式不一致（文件在生成后被改动）"
_SIG = f"签章文件 {SIGNATURE_NAME}"
_LABELS = {MANIFEST_NAME: "清单文件", DOCUMENT_NAME: "元数据文件", SEAL_NAME: "印章文件"}


@dataclass(frozen=True)
class MemberCheck:
    """One file the signed digest covers, as listed, and whether its bytes match."""

    name: str
    role: str
    size: int
    sm3: str
    ok: bool


@dataclass(frozen=True)
class PackageVerdict:
    """The outcome of `verify_package`; JSON-ready through `as_dict`.

    ``ok`` is true only when ``reasons`` is empty. ``warnings`` never make a package
    invalid but must be shown. Facts are filled as far as the package could be read, even
    for an invalid one (so a page can show what it claims next to why it is refused).
    """

    ok: bool
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: str | None = None
    digest: str | None = None  # the signed digest recomputed from manifest.json, hex
    maker_cert_source: str | None = None  # MAKER_TRUSTED / MAKER_UNTRUSTED / MAKER_EMBEDDED
    document_id: str | None = None
    doc_number: str | None = None
    title: str | None = None
    sender: str | None = None
    issue_date: str | None = None
    signing_time: str | None = None  # ISO 8601, UTC
    seal_name: str | None = None
    seal_es_id: str | None = None
    signer: str | None = None  # the signer certificate's subject
    maker: str | None = None  # the maker certificate's subject
    members: list[MemberCheck] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class _Run:
    """What one verification accumulates."""

    files: dict[str, bytes]
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)


def verify_package(
    data: bytes,
    *,
    trusted_maker_certs: Sequence[bytes] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    strict_container: bool = True,
) -> PackageVerdict:
    """Verify an exchange package; never raises on bad input.

    ``trusted_maker_certs`` are DER certificates of the seal-making authority the caller
    trusts; without them only the package's internal consistency can be checked (anyone
    can make a seal consistent with itself) and the verdict warns so. With
    ``strict_container`` (the default) a ZIP that is not byte for byte the canonical form
    is refused; without it that is only a warning (for archives that re-packed the files).
    """
    contents = read_zip(bytes(data), limits)
    run = _Run(files=contents.files, reasons=list(contents.problems))
    if contents.fatal:
        return _verdict(run)
    raw = contents.files.get(MANIFEST_NAME)
    if raw is None:
        if MANIFEST_NAME not in contents.flagged:
            run.reasons.append(f"缺少清单文件 {MANIFEST_NAME}")
        _read_facts(run)
        return _verdict(run)
    parsed = parse_manifest(raw)
    if isinstance(parsed, str):
        run.reasons.append(parsed)
        _read_facts(run)
        return _verdict(run)
    _check_package(run, contents, parsed, list(trusted_maker_certs or []))
    if not run.reasons:
        _check_container(run, bytes(data), parsed, strict_container)
    return _verdict(run)


def _check_package(
    run: _Run, contents: ZipContents, parsed: ParsedManifest, trusted: list[bytes]
) -> None:
    run.facts["format"] = FORMAT
    _check_membership(run, contents, parsed)
    run.facts["members"] = _check_hashes(run, parsed)
    digest = signed_digest_of(parsed.core)
    run.facts["digest"] = digest.hex()
    if not hmac.compare_digest(parsed.recorded_digest, digest.hex()):
        run.reasons.append(f"清单文件 {MANIFEST_NAME} 记录的签名摘要与按清单重新计算的不一致")
    _check_signature(run, digest, trusted)
    _read_facts(run)


def _check_membership(run: _Run, contents: ZipContents, parsed: ParsedManifest) -> None:
    listed = [DOCUMENT_NAME, *(entry.name for entry in parsed.entries), SEAL_NAME, SIGNATURE_NAME]
    for name in contents.order:
        if name not in listed and name not in contents.flagged and name != MANIFEST_NAME:
            run.reasons.append(f"交换包含有清单未列出的文件 {shown(name)}")
    for name in listed:
        if name not in contents.order:
            run.reasons.append(f"缺少{_label(name, parsed)} {name}")


def _check_hashes(run: _Run, parsed: ParsedManifest) -> list[MemberCheck]:
    listed = [(DOCUMENT_NAME, "metadata", parsed.document_size, parsed.document_sm3)]
    listed += [(e.name, str(e.role), e.size, e.sm3) for e in parsed.entries]
    checks = []
    for name, role, size, sm3 in listed:
        content = run.files.get(name)
        ok = content is not None and len(content) == size and gm.sm3_hex(content) == sm3
        if content is not None and not ok:
            label = _label(name, parsed)
            if len(content) != size:
                run.reasons.append(
                    f"{label} {name} 的大小与清单不符（清单 {size} 字节，实际 {len(content)} 字节）"
                )
            else:
                run.reasons.append(f"{label} {name} 的 SM3 与清单不符")
        checks.append(MemberCheck(name, role, size, sm3, ok))
    return checks


def _label(name: str, parsed: ParsedManifest) -> str:
    if name == SIGNATURE_NAME:
        return "签章文件"
    for entry in parsed.entries:
        if entry.name == name:
            return entry.role.label
    return _LABELS.get(name, "文件")


def _check_signature(run: _Run, digest: bytes, trusted: list[bytes]) -> None:
    signature = run.files.get(SIGNATURE_NAME)
    if signature is None:
        return  # already reported as missing or unreadable
    maker_der, source = _choose_maker(signature, trusted)
    run.facts["maker_cert_source"] = source
    if source == MAKER_EMBEDDED:
        run.warnings.append(W_NO_TRUSTED_MAKER)
    verdict = ses.verify_signature(signature, data_hash=digest, maker_cert_der=maker_der)
    run.reasons.extend(_signature_reason(reason) for reason in verdict.reasons)
    _signature_facts(run, verdict)
    seal = run.files.get(SEAL_NAME)
    inner = embedded_seal(signature)
    if seal is not None and inner is not None and not hmac.compare_digest(seal, inner):
        run.reasons.append(f"印章文件 {SEAL_NAME} 与{_SIG}中的印章不一致")


def _choose_maker(signature: bytes, trusted: list[bytes]) -> tuple[bytes | None, str]:
    if not trusted:
        return None, MAKER_EMBEDDED
    inner = embedded_maker_cert(signature)
    for cert in trusted:
        if inner is not None and hmac.compare_digest(cert, inner):
            return cert, MAKER_TRUSTED
    return trusted[0], MAKER_UNTRUSTED  # ses then reports 印章制作者证书不受信任


def _signature_reason(reason: str) -> str:
    if reason == ses.R_DATA_CHANGED:
        return f"{_SIG} 所签的摘要与按清单重新计算的摘要不一致：清单或其列出的文件在签章后被改动"
    return f"{_SIG}：{reason}"


def _signature_facts(run: _Run, verdict: ses.Verdict) -> None:
    if verdict.signing_time is not None:
        run.facts["signing_time"] = verdict.signing_time.astimezone(dt.UTC).isoformat()
    run.facts["seal_name"] = verdict.seal_name
    run.facts["seal_es_id"] = verdict.es_id
    run.facts["signer"] = _subject(verdict.signer_cert_der)
    run.facts["maker"] = _subject(verdict.maker_cert_der)


def _subject(cert_der: bytes | None) -> str | None:
    if cert_der is None:
        return None
    try:
        info = sm2cert.read_cert(cert_der)
    except (gm.GmError, ValueError, TypeError, KeyError):
        return None
    return "，".join(part for part in (info.subject_org, info.subject_cn) if part) or None


def _read_facts(run: _Run) -> None:
    """What document.json claims; shown even when the package is refused."""
    try:
        document = json.loads(run.files.get(DOCUMENT_NAME, b"").decode("utf-8"))
    except (ValueError, RecursionError):
        return
    if not isinstance(document, dict):
        return
    sender = document.get("sender")
    run.facts["sender"] = _text(sender.get("unit_name") if isinstance(sender, dict) else sender)
    run.facts["document_id"] = _text(document.get("id"))
    for key in ("doc_number", "title", "issue_date"):
        run.facts[key] = _text(document.get(key))


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value)


def _check_container(run: _Run, data: bytes, parsed: ParsedManifest, strict: bool) -> None:
    files = run.files
    rebuilt = build_zip(
        package_entries(
            manifest_json=files[MANIFEST_NAME],
            document_json=files[DOCUMENT_NAME],
            members=[(entry.name, files[entry.name]) for entry in parsed.entries],
            seal_der=files[SEAL_NAME],
            signature_der=files[SIGNATURE_NAME],
        )
    )
    if not hmac.compare_digest(rebuilt, data):
        (run.reasons if strict else run.warnings).append(R_CONTAINER if strict else W_CONTAINER)


def _verdict(run: _Run) -> PackageVerdict:
    reasons = list(dict.fromkeys(run.reasons))
    return PackageVerdict(
        ok=not reasons, reasons=reasons, warnings=list(dict.fromkeys(run.warnings)), **run.facts
    )
