"""``manifest.json``: what a package holds, and exactly which bytes the seal signs.

The manifest is one canonical-JSON object (see `canonical`)::

    {
      "format": "wenshu-package/1",
      "digest_algorithm": "SM3",
      "document": {"name": "document.json", "size": 1234, "sm3": "<64 hex>"},
      "members": [{"name": "body/正文.txt", "role": "body", "size": 5678, "sm3": "<64 hex>"},
                  …, {"name": "document.pdf", "role": "pdf", "size": …, "sm3": …}],
      "signed_digest": {"algorithm": "SM3", "canonicalization": …, "covers": [...],
                        "definition": …, "definition_zh": …, "excludes": [...]},
      "signature": {"digest": "<64 hex>", "seal": "seal.der",
                    "signature": "signature.der", "standard": "GB/T 38540-2020"}
    }

The *manifest core* is that object without its top-level ``"signature"`` member. The
signed digest — the ``dataHash`` of the GB/T 38540 ``SES_Signature`` — is
``SM3(canonical_json(core))``: it covers document.json and every listed member through
their SM3 values, and the manifest's own description of itself. ``signature.digest``
repeats it in hex for readers; it is not trusted, only compared.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from wenshu.lib import gm

from .canonical import canonical_json, is_canonical
from .errors import PackageError
from .names import (
    DOCUMENT_NAME,
    MANIFEST_NAME,
    PDF_NAME,
    RESERVED_NAMES,
    SEAL_NAME,
    SIGNATURE_NAME,
    MemberRole,
    name_problem,
    shown,
)

__all__ = [
    "DIGEST_ALGORITHM",
    "FORMAT",
    "SIGNATURE_STANDARD",
    "Manifest",
    "Member",
    "MemberEntry",
    "ParsedManifest",
    "entries_problem",
    "manifest_core",
    "parse_manifest",
    "signed_digest_of",
]

FORMAT = "wenshu-package/1"
DIGEST_ALGORITHM = "SM3"
SIGNATURE_STANDARD = "GB/T 38540-2020"
SIGNATURE_KEY = "signature"
CANONICALIZATION = "RFC 8785 JSON Canonicalization Scheme, UTF-8, integers only"
DEFINITION = (
    "dataHash of signature.der (GB/T 38540 SES_Signature) = SM3 of the canonical JSON of "
    'manifest.json without its top-level "signature" member; document.json and every '
    "member are covered through their size and SM3 listed in it"
)
DEFINITION_ZH = (
    "签章文件 signature.der（GB/T 38540 SES_Signature）中的原文杂凑值 = "
    "去掉顶层 signature 成员后的 manifest.json 按 RFC 8785 规范化为 UTF-8 字节后的 SM3 值；"
    "document.json 及清单列出的每个文件通过其大小和 SM3 值受签名保护"
)
_EXCLUDES = (f"{MANIFEST_NAME}#/{SIGNATURE_KEY}", SEAL_NAME, SIGNATURE_NAME)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_ROLE_ORDER = {role: rank for rank, role in enumerate(MemberRole)}


@dataclass(frozen=True)
class Member:
    """One file to put in a package: its name inside the ZIP, its bytes and its role."""

    name: str
    data: bytes = field(repr=False)
    role: MemberRole

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "role", MemberRole(self.role))
        except ValueError:
            raise PackageError(f"未知的文件角色：{self.role}") from None
        object.__setattr__(self, "data", bytes(self.data))

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sm3(self) -> str:
        return gm.sm3_hex(self.data)


@dataclass(frozen=True)
class MemberEntry:
    """A member as the manifest lists it."""

    name: str
    role: MemberRole
    size: int
    sm3: str

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "role": str(self.role), "size": self.size, "sm3": self.sm3}


@dataclass(frozen=True)
class Manifest:
    """A built manifest: the canonical document.json, the listed members, the signed digest.

    ``digest`` is what the seal signs (`ses.sign_data(data_hash=manifest.digest, …)`);
    `to_json` gives the bytes of manifest.json.
    """

    document_json: bytes = field(repr=False)
    entries: tuple[MemberEntry, ...]
    core_json: bytes = field(repr=False)
    digest: bytes

    @property
    def digest_hex(self) -> str:
        return self.digest.hex()

    @property
    def core(self) -> dict[str, Any]:
        return dict(json.loads(self.core_json))

    def to_json(self) -> bytes:
        return canonical_json({**self.core, SIGNATURE_KEY: signature_section(self.digest_hex)})


def signature_section(digest_hex: str) -> dict[str, str]:
    return {
        "digest": digest_hex,
        "seal": SEAL_NAME,
        "signature": SIGNATURE_NAME,
        "standard": SIGNATURE_STANDARD,
    }


def manifest_core(document_json: bytes, entries: Sequence[MemberEntry]) -> dict[str, Any]:
    """The manifest without its signature section: the object whose SM3 is signed."""
    return {
        "format": FORMAT,
        "digest_algorithm": DIGEST_ALGORITHM,
        "document": {
            "name": DOCUMENT_NAME,
            "size": len(document_json),
            "sm3": gm.sm3_hex(document_json),
        },
        "members": [entry.as_json() for entry in entries],
        "signed_digest": signed_digest_section(entry.name for entry in entries),
    }


def signed_digest_section(names: Iterable[str]) -> dict[str, Any]:
    return {
        "algorithm": DIGEST_ALGORITHM,
        "canonicalization": CANONICALIZATION,
        "covers": [DOCUMENT_NAME, *names],
        "definition": DEFINITION,
        "definition_zh": DEFINITION_ZH,
        "excludes": list(_EXCLUDES),
    }


def signed_digest_of(core: dict[str, Any]) -> bytes:
    """SM3 of the canonical JSON of the manifest core: the signed ``dataHash``."""
    return gm.sm3(canonical_json(core))


def sort_entries(entries: Iterable[MemberEntry]) -> list[MemberEntry]:
    """Body first, then the original, the attachments in their given order, the PDF last."""
    return sorted(entries, key=lambda entry: _ROLE_ORDER[entry.role])


def entries_problem(entries: Sequence[MemberEntry]) -> str | None:
    """Why this member list cannot be a package's, or None."""
    names = [entry.name for entry in entries]
    for entry in entries:
        problem = _entry_problem(entry)
        if problem:
            return problem
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        return f"文件名重复：{'、'.join(duplicates)}"
    roles = [entry.role for entry in entries]
    if roles.count(MemberRole.BODY) != 1:
        return "交换包必须有且只有一个正文文件（role=body）"
    if roles.count(MemberRole.BODY_ORIGINAL) > 1:
        return "交换包最多只能有一个正文原件（role=body-original）"
    if roles.count(MemberRole.PDF) != 1:
        return "交换包必须有且只有一个版式文件 document.pdf（role=pdf）"
    if roles != sorted(roles, key=_ROLE_ORDER.__getitem__):
        return "文件的顺序必须是：正文、正文原件、附件、版式文件"
    return None


def _entry_problem(entry: MemberEntry) -> str | None:
    name = entry.name
    if name in RESERVED_NAMES:
        return f"{name} 是保留文件名"
    problem = name_problem(name)
    if problem:
        return f"文件名 {shown(name)} 无效：{problem}"
    if entry.role is MemberRole.PDF and name != PDF_NAME:
        return f"版式文件必须命名为 {PDF_NAME}"
    folder = name.rpartition("/")[0]
    if entry.role is not MemberRole.PDF and folder != entry.role.folder:
        return f"{entry.role.label} {name} 必须放在 {entry.role.folder}/ 目录中"
    return None


# --- reading a manifest back -------------------------------------------------------------


@dataclass(frozen=True)
class ParsedManifest:
    """A manifest.json that passed the format checks (its digests are not yet compared)."""

    core: dict[str, Any]
    document_size: int
    document_sm3: str
    entries: tuple[MemberEntry, ...]
    recorded_digest: str


class _Invalid(Exception):
    pass


def parse_manifest(raw: bytes) -> ParsedManifest | str:
    """Check manifest.json against the format; return it parsed, or the Chinese reason."""
    prefix = f"清单文件 {MANIFEST_NAME}"
    try:
        value = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return f"{prefix} 无法解析（不是 UTF-8 JSON）"
    if not is_canonical(raw):
        return f"{prefix} 不是规范 JSON（生成后被改动过）"
    try:
        return _parsed(value)
    except _Invalid as exc:
        return f"{prefix} 格式无效：{exc}"


def _parsed(value: Any) -> ParsedManifest:
    keys = {"format", "digest_algorithm", "document", "members", "signed_digest", SIGNATURE_KEY}
    _require(isinstance(value, dict) and set(value) == keys, "顶层字段不符合规定")
    _require(value["format"] == FORMAT, f"不支持的格式 {value['format']!r}，应为 {FORMAT}")
    _require(value["digest_algorithm"] == DIGEST_ALGORITHM, "摘要算法必须是 SM3")
    document = value["document"]
    _require(_is_listing(document, {"name", "size", "sm3"}), "document 字段不符合规定")
    _require(document["name"] == DOCUMENT_NAME, f"document.name 必须是 {DOCUMENT_NAME}")
    members = value["members"]
    _require(isinstance(members, list), "members 必须是列表")
    entries = tuple(_entry(item) for item in members)
    problem = entries_problem(entries)
    _require(problem is None, str(problem))
    expected = signed_digest_section(entry.name for entry in entries)
    _require(value["signed_digest"] == expected, "signed_digest 与清单列出的文件不符")
    signature = value[SIGNATURE_KEY]
    digest = signature.get("digest") if isinstance(signature, dict) else None
    _require(isinstance(digest, str), "signature 字段不符合规定")
    _require(signature == signature_section(str(digest)), "signature 字段不符合规定")
    _require(bool(_HEX64.match(signature["digest"])), "signature.digest 必须是 64 位小写十六进制")
    core = {key: item for key, item in value.items() if key != SIGNATURE_KEY}
    return ParsedManifest(core, document["size"], document["sm3"], entries, signature["digest"])


def _entry(item: Any) -> MemberEntry:
    _require(_is_listing(item, {"name", "role", "size", "sm3"}), "members 中的条目不符合规定")
    role = item["role"]
    _require(isinstance(role, str) and role in set(MemberRole), f"未知的文件角色 {role!r}")
    return MemberEntry(item["name"], MemberRole(role), item["size"], item["sm3"])


def _is_listing(item: Any, keys: set[str]) -> bool:
    return (
        isinstance(item, dict)
        and set(item) == keys
        and isinstance(item["name"], str)
        and type(item["size"]) is int
        and item["size"] >= 0
        and isinstance(item["sm3"], str)
        and bool(_HEX64.match(item["sm3"]))
    )


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise _Invalid(message)
