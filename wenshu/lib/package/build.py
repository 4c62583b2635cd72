"""Building a package: the manifest before sealing, the ZIP after.

The order of work in the documents app::

    manifest = build_manifest(document=metadata, members=[body, *attachments, pdf])
    # ask the seals service to sign manifest.digest (hex: manifest.digest_hex)
    zip_bytes = write_package(manifest=manifest, members=members,
                              seal_der=seal_der, signature_der=signature_der)

Both steps are deterministic: the same document, files, seal and signature give the same
bytes, so a package can be rebuilt at any time (export, archive hand-over) and compared.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from typing import Any

from wenshu.lib import ses

from .canonical import canonical_json
from .container import DEFAULT_LIMITS, Limits, build_zip
from .errors import PackageError
from .manifest import (
    Manifest,
    Member,
    MemberEntry,
    entries_problem,
    manifest_core,
    signed_digest_of,
    sort_entries,
)
from .names import DOCUMENT_NAME, MANIFEST_NAME, SEAL_NAME, SIGNATURE_NAME, MemberRole
from .sesparts import embedded_seal

__all__ = ["build_manifest", "package_entries", "write_package"]

_FIXED_MEMBERS = 4  # manifest.json, document.json, seal.der, signature.der
_UNCLASSIFIED = ("", "非密")


def build_manifest(
    *, document: dict[str, Any], members: Sequence[Member], limits: Limits = DEFAULT_LIMITS
) -> Manifest:
    """Hash ``document`` (as canonical document.json) and ``members``; return the manifest
    whose ``digest`` the seal must sign. Raises `PackageError` (Chinese) on a document or
    member list that would not make a valid package."""
    _check_document(document)
    document_json = canonical_json(document)
    entries = sort_entries(MemberEntry(m.name, m.role, m.size, m.sm3) for m in members)
    problem = entries_problem(entries)
    if problem:
        raise PackageError(problem)
    _check_sizes([document_json, *(m.data for m in members)], limits)
    _check_pdf(members)
    core = manifest_core(document_json, entries)
    return Manifest(
        document_json=document_json,
        entries=tuple(entries),
        core_json=canonical_json(core),
        digest=signed_digest_of(core),
    )


def _check_document(document: dict[str, Any]) -> None:
    if not isinstance(document, dict):
        raise PackageError("公文元数据必须是一个对象")
    if not isinstance(document.get("title"), str) or not document["title"].strip():
        raise PackageError("公文元数据缺少标题（title）")
    sender = document.get("sender")
    if not isinstance(sender, dict) or not str(sender.get("unit_name") or "").strip():
        raise PackageError("公文元数据缺少发文单位名称（sender.unit_name）")
    if not isinstance(document.get("doc_number", ""), str):
        raise PackageError("发文字号（doc_number）必须是文本")
    if document.get("secrecy", "") not in _UNCLASSIFIED:
        raise PackageError("涉密公文不得进入本系统，密级只能为“非密”")


def _check_sizes(contents: Sequence[bytes], limits: Limits) -> None:
    if len(contents) + _FIXED_MEMBERS - 1 > limits.max_members:
        raise PackageError(f"交换包中的文件过多（上限 {limits.max_members} 个）")
    if any(len(content) > limits.max_member_bytes for content in contents):
        raise PackageError(f"单个文件不能超过 {limits.max_member_bytes} 字节")
    if sum(len(content) for content in contents) > limits.max_total_bytes:
        raise PackageError(f"交换包总大小不能超过 {limits.max_total_bytes} 字节")


def _check_pdf(members: Sequence[Member]) -> None:
    pdf = next(member for member in members if member.role is MemberRole.PDF)
    if not pdf.data.startswith(b"%PDF-"):
        raise PackageError("版式文件 document.pdf 不是 PDF 文件")


def write_package(
    *, manifest: Manifest, members: Sequence[Member], seal_der: bytes, signature_der: bytes
) -> bytes:
    """Write the package ZIP. Refuses (`PackageError`) members that differ from the
    manifest and a signature that does not sign ``manifest.digest`` with ``seal_der`` —
    a package the verifier would reject is never written."""
    contents = _contents_by_name(manifest, members)
    verdict = ses.verify_signature(signature_der, data_hash=manifest.digest)
    if not verdict.ok:
        raise PackageError("签章与交换包清单不符，不能生成交换包：" + "；".join(verdict.reasons))
    inner_seal = embedded_seal(signature_der)
    if inner_seal is None or not hmac.compare_digest(inner_seal, seal_der):
        raise PackageError("印章数据与签章中的印章不一致，不能生成交换包")
    return build_zip(
        package_entries(
            manifest_json=manifest.to_json(),
            document_json=manifest.document_json,
            members=[(entry.name, contents[entry.name]) for entry in manifest.entries],
            seal_der=seal_der,
            signature_der=signature_der,
        )
    )


def _contents_by_name(manifest: Manifest, members: Sequence[Member]) -> dict[str, bytes]:
    given = {member.name: member for member in members}
    listed = {entry.name: entry for entry in manifest.entries}
    if len(given) != len(members) or set(given) != set(listed):
        raise PackageError("提供的文件与清单列出的文件不一致")
    for name, entry in listed.items():
        member = given[name]
        if (member.role, member.size, member.sm3) != (entry.role, entry.size, entry.sm3):
            raise PackageError(f"文件 {name} 与清单不符（内容在生成清单后被改动）")
    return {name: member.data for name, member in given.items()}


def package_entries(
    *,
    manifest_json: bytes,
    document_json: bytes,
    members: Sequence[tuple[str, bytes]],
    seal_der: bytes,
    signature_der: bytes,
) -> list[tuple[str, bytes]]:
    """The files of a package in their fixed order (the verifier rebuilds with this too)."""
    return [
        (MANIFEST_NAME, manifest_json),
        (DOCUMENT_NAME, document_json),
        *members,
        (SEAL_NAME, seal_der),
        (SIGNATURE_NAME, signature_der),
    ]
