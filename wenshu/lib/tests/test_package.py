"""Exchange packages: canonical JSON, the manifest, the ZIP, and verification against tampering."""

from __future__ import annotations

import io
import json
import random
import struct
import zipfile
from typing import Any

import pypdf
import pytest
from asn1crypto import core as asn1
from asn1crypto import x509
from gmssl import func as gmssl_func
from gmssl import sm2 as gmssl_sm2
from gmssl import sm3 as gmssl_sm3

from wenshu.lib import gm
from wenshu.lib.package import (
    MAKER_EMBEDDED,
    MAKER_TRUSTED,
    MAKER_UNTRUSTED,
    W_NO_TRUSTED_MAKER,
    CanonicalJsonError,
    Limits,
    Member,
    MemberRole,
    PackageError,
    build_manifest,
    canonical_json,
    is_canonical,
    member_name,
    verify_package,
    write_package,
)
from wenshu.lib.package.container import build_zip
from wenshu.lib.package.names import name_problem
from wenshu.lib.package.verify import R_CONTAINER, W_CONTAINER
from wenshu.lib.tests import package_samples as samples
from wenshu.lib.tests.package_samples import Sample


@pytest.fixture(scope="module")
def sample() -> Sample:
    try:
        return samples.make_sample()
    except FileNotFoundError:
        pytest.skip("Chinese fonts not installed (fonts-arphic-uming, -ukai, fonts-wqy-zenhei)")


def _verify(data: bytes, sample: Sample, **options: Any) -> Any:
    return verify_package(data, trusted_maker_certs=[sample.maker.cert_der], **options)


def _flip(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


ATTACHMENT_2 = samples.attachment_name(2, ".xlsx")
BODY, ATTACHMENT, PDF = MemberRole.BODY, MemberRole.ATTACHMENT, MemberRole.PDF


# --- canonical JSON ----------------------------------------------------------------------


def test_it_writes_canonical_json_sorted_compact_and_utf8() -> None:
    value = {"title": "通知", "b": [1, True, None], "a": {"z": -3, "y": "x"}}
    expected = '{"a":{"y":"x","z":-3},"b":[1,true,null],"title":"通知"}'
    assert canonical_json(value) == expected.encode("utf-8")


def test_it_sorts_keys_by_utf16_code_units_as_rfc_8785_does() -> None:
    # Code-point order would put U+FB33 first; UTF-16 puts the surrogate pair (D83D) first.
    assert canonical_json({"\ufb33": 1, "\U0001f600": 2}) == '{"😀":2,"דּ":1}'.encode()


def test_it_escapes_only_what_rfc_8785_escapes() -> None:
    text = 'a"b\\c\n\t\x01\x7f\u2028中'
    assert canonical_json(text) == b'"a\\"b\\\\c\\n\\t\\u0001\x7f\xe2\x80\xa8\xe4\xb8\xad"'


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"amount": 1.5}, "小数"),
        ({"at": samples.SIGNED_AT}, "ISO 8601"),
        ({"on": samples.SIGNED_AT.date()}, "ISO 8601"),
        ({1: "x"}, "键必须是文本"),
        ({"big": 2**53}, "整数超出"),
        ({"raw": b"x"}, "bytes"),
        ({"set": {1}}, "set"),
        ("\ud800", "UTF-8"),
    ],
)
def test_it_refuses_values_outside_the_canonical_model(value: Any, message: str) -> None:
    with pytest.raises(CanonicalJsonError, match=message):
        canonical_json(value)


def test_it_tells_canonical_bytes_from_equivalent_json() -> None:
    assert is_canonical(b'{"a":1,"b":2}')
    assert not is_canonical(b'{"b":2,"a":1}')
    assert not is_canonical(b'{"a": 1}')
    assert not is_canonical(b'{"a":1,"a":1}')
    assert not is_canonical(b'{"a":"\\u4e2d"}')


# --- names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "filename", "index", "expected"),
    [
        ("attachment", "C:\\Users\\张三\\会议费标准.xlsx", 2, "attachments/2-会议费标准.xlsx"),
        ("attachment", "../../etc/passwd", 1, "attachments/1-passwd"),
        ("body", "正文<草稿>?.docx", None, "body/正文_草稿__.docx"),
        ("body-original", "  ..  ", None, "body/文件"),
        ("pdf", "anything.pdf", None, "document.pdf"),
    ],
)
def test_it_makes_safe_member_names_from_uploaded_file_names(
    role: str, filename: str, index: int | None, expected: str
) -> None:
    name = member_name(role, filename, index=index)
    assert name == expected
    assert name_problem(name) is None


@pytest.mark.parametrize(
    "name",
    [
        "",
        "/etc/passwd",
        "C:evil.txt",
        "../evil.txt",
        "body/../../evil.txt",
        "body/./x.txt",
        "body\\x.txt",
        "body/a\x00b.txt",
        "body/sub/x.txt",
        "other/x.txt",
        "body/",
        "body/e\u0301.txt",  # NFD
        "body/x.txt.",
        "a" * 241,
    ],
)
def test_it_refuses_unsafe_member_names(name: str) -> None:
    assert name_problem(name) is not None


# --- building ----------------------------------------------------------------------------


def test_it_builds_the_manifest_in_the_documented_format(sample: Sample) -> None:
    manifest = json.loads(sample.manifest.to_json())
    assert set(manifest) == {
        "format",
        "digest_algorithm",
        "document",
        "members",
        "signed_digest",
        "signature",
    }
    assert (manifest["format"], manifest["digest_algorithm"]) == ("wenshu-package/1", "SM3")
    assert manifest["document"] == {
        "name": "document.json",
        "size": len(sample.manifest.document_json),
        "sm3": gm.sm3_hex(sample.manifest.document_json),
    }
    assert [m["role"] for m in manifest["members"]] == ["body", "attachment", "attachment", "pdf"]
    for listed, member in zip(manifest["members"], sample.members, strict=True):
        assert listed == {
            "name": member.name,
            "role": str(member.role),
            "size": len(member.data),
            "sm3": gm.sm3_hex(member.data),
        }
    covers = ["document.json", *(m.name for m in sample.members)]
    assert manifest["signed_digest"]["covers"] == covers
    core = {key: value for key, value in manifest.items() if key != "signature"}
    assert sample.manifest.digest == gm.sm3(canonical_json(core))
    assert manifest["signature"]["digest"] == sample.manifest.digest_hex


def test_it_writes_document_json_as_canonical_metadata(sample: Sample) -> None:
    assert sample.manifest.document_json == canonical_json(sample.document)
    assert json.loads(sample.manifest.document_json)["title"] == samples.TITLE


def test_it_builds_the_same_bytes_from_the_same_document(sample: Sample) -> None:
    shuffled = [sample.members[3], sample.members[1], sample.members[0], sample.members[2]]
    again = build_manifest(document=dict(sample.document), members=shuffled)
    assert again == sample.manifest
    assert again.to_json() == sample.manifest.to_json()
    rewritten = write_package(
        manifest=again,
        members=shuffled,
        seal_der=sample.seal_der,
        signature_der=sample.signature_der,
    )
    assert rewritten == sample.data


def test_it_writes_a_plain_zip_with_fixed_times_and_utf8_names(sample: Sample) -> None:
    with zipfile.ZipFile(io.BytesIO(sample.data)) as archive:
        infos = archive.infolist()
        assert archive.testzip() is None
    assert [info.filename for info in infos] == [
        "manifest.json",
        "document.json",
        *(m.name for m in sample.members),
        "seal.der",
        "signature.der",
    ]
    for info in infos:
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert info.flag_bits & 0x0800
        assert info.compress_type == zipfile.ZIP_STORED
        assert info.external_attr >> 16 == 0o100644
        assert info.extra == b""
    assert zipfile.ZipFile(io.BytesIO(sample.data)).comment == b""


def test_it_places_the_seal_and_signature_as_given(sample: Sample) -> None:
    files = dict(samples.files_of(sample.data))
    assert files["seal.der"] == sample.seal_der
    assert files["signature.der"] == sample.signature_der


def _members_with(sample: Sample, *extra: Member) -> list[Member]:
    return [*sample.members, *extra]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": " "}, "标题"),
        ({"sender": {"unit_id": 7}}, "发文单位"),
        ({"secrecy": "秘密"}, "涉密"),
        ({"doc_number": 12}, "发文字号"),
        ({"amount": 0.5}, "小数"),
    ],
)
def test_it_refuses_a_document_it_cannot_package(
    sample: Sample, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(PackageError, match=message):
        build_manifest(document={**sample.document, **change}, members=sample.members)


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (lambda s: [m for m in s.members if m.role != "body"], "正文"),
        (lambda s: [m for m in s.members if m.role != "pdf"], "版式文件"),
        (lambda s: _members_with(s, Member("body/b.txt", b"x", BODY)), "正文"),
        (lambda s: _members_with(s, Member(s.members[1].name, b"x", ATTACHMENT)), "重复"),
        (lambda s: _members_with(s, Member("attachments/x.pdf", b"%PDF-", PDF)), "版式文件"),
        (lambda s: _members_with(s, Member("body/x.xlsx", b"x", ATTACHMENT)), "attachments/"),
        (lambda s: _members_with(s, Member("attachments/../x", b"x", ATTACHMENT)), "无效"),
        (lambda s: _members_with(s, Member("seal.der", b"x", ATTACHMENT)), "保留"),
        (lambda s: [*s.members[:3], Member("document.pdf", b"GIF89a", PDF)], "不是 PDF"),
    ],
)
def test_it_refuses_a_member_list_it_cannot_package(
    sample: Sample, members: Any, message: str
) -> None:
    with pytest.raises(PackageError, match=message):
        build_manifest(document=sample.document, members=members(sample))


def test_it_refuses_an_unknown_role() -> None:
    with pytest.raises(PackageError, match="未知的文件角色"):
        Member("body/x.txt", b"x", "appendix")  # type: ignore[arg-type]


def test_it_refuses_members_beyond_the_limits(sample: Sample) -> None:
    with pytest.raises(PackageError, match="单个文件"):
        build_manifest(document=sample.document, members=sample.members, limits=Limits(10, 100))


def test_it_refuses_to_write_a_member_changed_after_the_manifest(sample: Sample) -> None:
    changed = [
        *sample.members[:2],
        Member(ATTACHMENT_2, b"PK changed", MemberRole.ATTACHMENT),
        sample.members[3],
    ]
    with pytest.raises(PackageError, match=ATTACHMENT_2):
        write_package(
            manifest=sample.manifest,
            members=changed,
            seal_der=sample.seal_der,
            signature_der=sample.signature_der,
        )


def test_it_refuses_to_write_a_signature_over_another_digest(sample: Sample) -> None:
    other = samples.sign(sample.signer_key, sample.signer_der, sample.seal_der, gm.sm3(b"x"))
    with pytest.raises(PackageError, match="签章与交换包清单不符"):
        write_package(
            manifest=sample.manifest,
            members=sample.members,
            seal_der=sample.seal_der,
            signature_der=other,
        )


def test_it_refuses_to_write_a_seal_other_than_the_one_signed(sample: Sample) -> None:
    other = samples.make_sample(real_pdf=False)
    with pytest.raises(PackageError, match="印章数据"):
        write_package(
            manifest=sample.manifest,
            members=sample.members,
            seal_der=other.seal_der,
            signature_der=sample.signature_der,
        )


# --- verifying: the happy path -----------------------------------------------------------


def test_it_verifies_a_fresh_package_against_the_trusted_maker(sample: Sample) -> None:
    verdict = _verify(sample.data, sample)
    assert (verdict.ok, verdict.reasons, verdict.warnings) == (True, [], [])
    assert verdict.maker_cert_source == MAKER_TRUSTED
    assert verdict.format == "wenshu-package/1"
    assert verdict.digest == sample.manifest.digest_hex
    assert (verdict.doc_number, verdict.title) == (samples.DOC_NUMBER, samples.TITLE)
    assert (verdict.sender, verdict.issue_date, verdict.document_id) == (
        samples.SENDER,
        "2026-11-25",
        "1024",
    )
    assert verdict.signing_time == "2026-11-25T01:30:00+00:00"
    assert (verdict.seal_name, verdict.seal_es_id) == (samples.SEAL_NAME, "33010000000012")
    assert verdict.maker == "某市人民政府办公室，某市电子印章制作中心"
    assert [m.name for m in verdict.members if m.ok] == [
        "document.json",
        *(m.name for m in sample.members),
    ]


def test_it_verifies_a_package_holding_a_real_gongwen_pdf(sample: Sample) -> None:
    pdf = pypdf.PdfReader(io.BytesIO(dict(samples.files_of(sample.data))["document.pdf"]))
    assert samples.TITLE[:6] in pdf.pages[0].extract_text().replace(" ", "").replace("\n", "")
    assert _verify(sample.data, sample).ok


def test_it_warns_when_no_trusted_maker_is_given(sample: Sample) -> None:
    verdict = verify_package(sample.data)
    assert verdict.ok is True
    assert verdict.warnings == [W_NO_TRUSTED_MAKER]
    assert verdict.maker_cert_source == MAKER_EMBEDDED


def test_it_accepts_any_of_several_trusted_makers(sample: Sample) -> None:
    other = samples.make_maker("另一市电子印章制作中心")
    verdict = verify_package(
        sample.data, trusted_maker_certs=[other.cert_der, sample.maker.cert_der]
    )
    assert verdict.ok and verdict.maker_cert_source == MAKER_TRUSTED


def test_it_refuses_a_package_sealed_by_an_untrusted_maker(sample: Sample) -> None:
    rogue = samples.make_sample(samples.make_maker(), real_pdf=False)  # same name, other key
    assert verify_package(rogue.data).ok  # consistent with itself …
    verdict = _verify(rogue.data, sample)  # … but not made by the authority we trust
    assert verdict.ok is False
    assert verdict.reasons == ["签章文件 signature.der：印章制作者证书不受信任"]
    assert verdict.maker_cert_source == MAKER_UNTRUSTED


def test_the_verdict_is_json_serialisable(sample: Sample) -> None:
    for data in (sample.data, _flip(sample.data, 100), b"not a zip"):
        text = json.dumps(_verify(data, sample).as_dict(), ensure_ascii=False)
        assert set(json.loads(text)) >= {"ok", "reasons", "warnings", "title", "members"}


# --- verifying: every byte matters -------------------------------------------------------


def _offsets(start: int, end: int) -> list[int]:
    """First, middle and last byte of a span, and about sixteen more spread across it."""
    step = max(1, (end - start) // 16)
    return sorted({start, (start + end) // 2, end - 1, *range(start, end, step)})


def test_it_rejects_a_flipped_byte_in_any_member_naming_that_member(sample: Sample) -> None:
    missed = []
    for name, (start, end) in samples.content_spans(sample.data).items():
        for position in _offsets(start, end):
            verdict = _verify(_flip(sample.data, position), sample)
            if verdict.ok or not any(name in reason for reason in verdict.reasons):
                missed.append((name, position - start, verdict.reasons))
    assert missed == []


def test_it_never_accepts_a_package_with_any_byte_of_the_zip_flipped(sample: Sample) -> None:
    rng = random.Random(9704)
    positions = rng.sample(range(len(sample.data)), 200)
    assert [p for p in positions if _verify(_flip(sample.data, p), sample).ok] == []


def test_it_never_accepts_a_package_with_any_zip_header_byte_flipped(sample: Sample) -> None:
    # Every byte that is not member content: local headers, the directory, the end record.
    content = {
        p for start, end in samples.content_spans(sample.data).values() for p in range(start, end)
    }
    structure = [p for p in range(len(sample.data)) if p not in content]
    assert len(structure) > 800
    assert [p for p in structure if _verify(_flip(sample.data, p), sample).ok] == []


def test_it_rejects_a_changed_timestamp_as_a_non_canonical_container(sample: Sample) -> None:
    date_field = 12  # the local header's date of manifest.json
    verdict = _verify(_flip(sample.data, date_field), sample)
    assert verdict.reasons == [R_CONTAINER]


def test_it_names_an_attachment_replaced_and_repacked_properly(sample: Sample) -> None:
    other = b"PK\x03\x04 a different workbook"
    verdict = _verify(samples.rebuild(sample.data, {ATTACHMENT_2: other}), sample)
    assert verdict.reasons == [
        f"附件 {ATTACHMENT_2} 的大小与清单不符（清单 {sample.member('attachment', 1).size} 字节，"
        f"实际 {len(other)} 字节）"
    ]
    same_size = bytearray(sample.member("attachment", 1).data)
    same_size[-1] ^= 0xFF
    verdict = _verify(samples.rebuild(sample.data, {ATTACHMENT_2: bytes(same_size)}), sample)
    assert verdict.reasons == [f"附件 {ATTACHMENT_2} 的 SM3 与清单不符"]
    assert [m.ok for m in verdict.members] == [True, True, True, False, True]


def test_it_detects_a_manifest_rewritten_to_match_a_changed_attachment(sample: Sample) -> None:
    forged_member = Member(ATTACHMENT_2, b"PK forged workbook", MemberRole.ATTACHMENT)
    members = [*sample.members[:2], forged_member, sample.members[3]]
    forged = build_manifest(document=sample.document, members=members)
    data = samples.rebuild(
        sample.data, {"manifest.json": forged.to_json(), ATTACHMENT_2: forged_member.data}
    )
    verdict = _verify(data, sample)
    assert verdict.reasons == [
        "签章文件 signature.der 所签的摘要与按清单重新计算的摘要不一致："
        "清单或其列出的文件在签章后被改动"
    ]


def test_it_detects_a_changed_document_json(sample: Sample) -> None:
    changed = canonical_json({**sample.document, "title": "关于取消预算编制工作的通知"})
    verdict = _verify(samples.rebuild(sample.data, {"document.json": changed}), sample)
    assert verdict.ok is False
    assert verdict.reasons[0].startswith("元数据文件 document.json 的")
    assert verdict.title == "关于取消预算编制工作的通知"  # shown, next to why it is refused


def test_it_detects_a_signature_of_another_document(sample: Sample) -> None:
    other = samples.sign(sample.signer_key, sample.signer_der, sample.seal_der, gm.sm3(b"x"))
    verdict = _verify(samples.rebuild(sample.data, {"signature.der": other}), sample)
    assert verdict.reasons[0].startswith("签章文件 signature.der 所签的摘要")


def test_it_detects_a_seal_file_that_is_not_the_seal_signed(sample: Sample) -> None:
    other = samples.make_sample(sample.maker, real_pdf=False)
    verdict = _verify(samples.rebuild(sample.data, {"seal.der": other.seal_der}), sample)
    assert verdict.reasons == ["印章文件 seal.der 与签章文件 signature.der中的印章不一致"]


def test_it_refuses_a_manifest_of_an_unknown_format_version(sample: Sample) -> None:
    manifest = json.loads(sample.manifest.to_json())
    manifest["format"] = "wenshu-package/2"
    data = samples.rebuild(sample.data, {"manifest.json": canonical_json(manifest)})
    verdict = _verify(data, sample)
    assert len(verdict.reasons) == 1
    assert "不支持的格式 'wenshu-package/2'" in verdict.reasons[0]


def test_it_refuses_a_manifest_that_is_not_canonical(sample: Sample) -> None:
    pretty = json.dumps(json.loads(sample.manifest.to_json()), ensure_ascii=False, indent=1)
    verdict = _verify(samples.rebuild(sample.data, {"manifest.json": pretty.encode()}), sample)
    assert verdict.reasons == ["清单文件 manifest.json 不是规范 JSON（生成后被改动过）"]


# --- verifying: the container ------------------------------------------------------------


def test_it_refuses_an_extra_member(sample: Sample) -> None:
    data = build_zip([*samples.files_of(sample.data), ("attachments/3-说明.txt", b"x")])
    assert _verify(data, sample).reasons == ["交换包含有清单未列出的文件 attachments/3-说明.txt"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (ATTACHMENT_2, f"缺少附件 {ATTACHMENT_2}"),
        ("document.pdf", "缺少版式文件 document.pdf"),
        ("document.json", "缺少元数据文件 document.json"),
        ("seal.der", "缺少印章文件 seal.der"),
        ("signature.der", "缺少签章文件 signature.der"),
        ("manifest.json", "缺少清单文件 manifest.json"),
    ],
)
def test_it_refuses_a_missing_member(sample: Sample, name: str, reason: str) -> None:
    verdict = _verify(samples.rebuild(sample.data, {name: None}), sample)
    assert verdict.ok is False
    assert reason in verdict.reasons


def test_it_refuses_a_renamed_member(sample: Sample) -> None:
    renamed = [
        ("attachments/2-其他.xlsx" if name == ATTACHMENT_2 else name, content)
        for name, content in samples.files_of(sample.data)
    ]
    assert _verify(build_zip(renamed), sample).reasons == [
        "交换包含有清单未列出的文件 attachments/2-其他.xlsx",
        f"缺少附件 {ATTACHMENT_2}",
    ]


def test_it_refuses_a_duplicated_member(sample: Sample) -> None:
    files = samples.files_of(sample.data)
    data = build_zip([*files, (ATTACHMENT_2, b"PK a second workbook")])
    assert _verify(data, sample).reasons == [f"文件 {ATTACHMENT_2} 在交换包中重复出现"]


@pytest.mark.parametrize(
    "name", ["../evil.sh", "/etc/cron.d/evil", "body/../../evil.sh", "body\\..\\evil.sh"]
)
def test_it_refuses_members_with_unsafe_paths(sample: Sample, name: str) -> None:
    data = build_zip([*samples.files_of(sample.data), (name, b"#!/bin/sh")])
    verdict = _verify(data, sample)
    assert verdict.reasons == [f"文件 {name} 的路径不安全：{name_problem(name)}"]


def _central_entry(data: bytes, name: str) -> int:
    position = struct.unpack_from("<I", data, len(data) - 22 + 16)[0]
    while data[position : position + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, position + 28)
        if data[position + 46 : position + 46 + name_len] == name.encode():
            return position
        position += 46 + name_len + extra_len + comment_len
    raise AssertionError(name)


def test_it_refuses_an_encrypted_member(sample: Sample) -> None:
    data = bytearray(sample.data)
    local = zipfile.ZipFile(io.BytesIO(sample.data)).getinfo(ATTACHMENT_2).header_offset
    for flags_at in (local + 6, _central_entry(sample.data, ATTACHMENT_2) + 8):
        (flags,) = struct.unpack_from("<H", data, flags_at)
        struct.pack_into("<H", data, flags_at, flags | 0x1)
    verdict = _verify(bytes(data), sample)
    assert verdict.reasons == [f"文件 {ATTACHMENT_2} 被加密，无法校验"]


def _deflated_zip(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()


def test_it_refuses_a_zip_bomb_by_its_compression_ratio(sample: Sample) -> None:
    bomb = _deflated_zip([*samples.files_of(sample.data), ("attachments/9-x.bin", bytes(8 << 20))])
    assert zipfile.ZipFile(io.BytesIO(bomb)).getinfo("attachments/9-x.bin").compress_size < 9000
    verdict = _verify(bomb, sample)
    assert "文件 attachments/9-x.bin 的压缩比异常，疑似 ZIP 炸弹" in verdict.reasons


def test_it_refuses_a_zip_bomb_by_its_total_size_before_reading(sample: Sample) -> None:
    verdict = _verify(sample.data, sample, limits=Limits(max_total_bytes=100_000))
    assert verdict.ok is False
    assert verdict.reasons[0].startswith("交换包解压后过大") or "过大" in verdict.reasons[0]
    assert verdict.members == []  # nothing was read


def test_it_refuses_too_many_members(sample: Sample) -> None:
    verdict = _verify(sample.data, sample, limits=Limits(max_members=5))
    assert verdict.reasons == ["交换包中的文件过多（8 个，上限 5 个）"]


@pytest.mark.parametrize("data", [b"", b"not a zip at all", b"PK\x05\x06" + bytes(18)])
def test_it_reports_something_that_is_not_a_package(sample: Sample, data: bytes) -> None:
    verdict = _verify(data, sample)
    assert verdict.ok is False
    assert verdict.reasons


def test_it_only_warns_about_a_repacked_container_when_asked_to_be_lenient(
    sample: Sample,
) -> None:
    repacked = _deflated_zip(samples.files_of(sample.data))
    assert _verify(repacked, sample).reasons == [R_CONTAINER]
    lenient = _verify(repacked, sample, strict_container=False)
    assert (lenient.ok, lenient.warnings) == (True, [W_CONTAINER])


# --- an independent judge: gmssl ---------------------------------------------------------


def _gmssl_sm3(data: bytes) -> str:
    return str(gmssl_sm3.sm3_hash(gmssl_func.bytes_to_list(data)))


def test_gmssl_recomputes_every_hash_and_the_signed_digest_and_checks_the_signature(
    sample: Sample,
) -> None:
    files = dict(samples.files_of(sample.data))
    manifest = json.loads(files["manifest.json"])
    for entry in [manifest["document"], *manifest["members"]]:
        assert _gmssl_sm3(files[entry["name"]]) == entry["sm3"], entry["name"]
    # The core re-serialised with the standard library only (no key beyond U+FFFF here).
    unsigned = {key: value for key, value in manifest.items() if key != "signature"}
    core_json = json.dumps(unsigned, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = _gmssl_sm3(core_json.encode("utf-8"))
    # Read the SES_Signature with a generic DER parser, not ses's own classes.
    signature = asn1.Sequence.load(files["signature.der"])
    to_sign = asn1.Sequence.load(signature[0].dump())
    assert bytes(asn1.OctetBitString.load(to_sign[3].dump()).native).hex() == digest
    cert = x509.Certificate.load(bytes(asn1.OctetString.load(signature[1].dump()).native))
    public_hex = bytes(cert.public_key["public_key"].native)[1:].hex()
    verifier = gmssl_sm2.CryptSM2(private_key="", public_key=public_hex)
    verifier.public_key = public_hex  # its constructor may strip a leading "04" of x
    value = bytes(asn1.OctetBitString.load(signature[3].dump()).native)
    assert verifier.verify_with_sm3(gm.signature_to_raw(value).hex(), to_sign.dump())
