"""A sealed exchange package made entirely from the pure library, for the package tests.

A seal-making authority (CA), a seal with its signer certificate, a realistic 通知 with a
body, a .docx and an .xlsx attachment and a real GB/T 9704 PDF, sealed and written.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

import docx
import openpyxl

from wenshu.lib import gm, sealpic, ses, sm2cert
from wenshu.lib.gongwen_pdf import GongwenData, Paragraph, ParaKind, render_pdf
from wenshu.lib.package import (
    Manifest,
    Member,
    MemberRole,
    build_manifest,
    member_name,
    write_package,
)
from wenshu.lib.package.container import build_zip

NOW = dt.datetime(2026, 11, 20, 0, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
SIGNED_AT = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
TITLE = "某市财政局关于做好2027年度市级部门预算编制工作的通知"
DOC_NUMBER = "某财〔2026〕12号"
SENDER = "某市财政局"
SEAL_NAME = "某市财政局公文专用章"
ATTACHMENT_TITLES = ("2027年度市级部门预算编制说明", "市级机关会议费开支标准")
BODY = (
    Paragraph("为进一步加强市级财政资金管理，规范预算编制行为，现就有关事项通知如下。"),
    Paragraph("总体要求", ParaKind.HEADING1),
    Paragraph("坚持统筹兼顾。", ParaKind.HEADING2, "全面反映部门收支，做到应编尽编。"),
    Paragraph("各部门要于2026年12月10日前报送预算草案。"),
)


@dataclass(frozen=True)
class Maker:
    key: gm.PrivateKey
    cert_der: bytes


@dataclass(frozen=True)
class Sample:
    maker: Maker
    signer_key: gm.PrivateKey
    signer_der: bytes
    seal_der: bytes
    document: dict[str, Any]
    members: tuple[Member, ...]
    manifest: Manifest
    signature_der: bytes
    data: bytes

    def member(self, role: str, index: int = 0) -> Member:
        return [m for m in self.members if m.role == role][index]


def make_maker(common_name: str = "某市电子印章制作中心") -> Maker:
    key = gm.generate_private_key()
    der = sm2cert.make_ca(
        key=key,
        common_name=common_name,
        organization="某市人民政府办公室",
        not_before=NOW - DAY,
        not_after=NOW + 3650 * DAY,
    )
    return Maker(key, der)


def make_sample(maker: Maker | None = None, *, real_pdf: bool = True) -> Sample:
    maker = maker or make_maker()
    signer_key = gm.generate_private_key()
    signer_der = sm2cert.issue_cert(
        issuer_key=maker.key,
        issuer_cert_der=maker.cert_der,
        subject_public_key=signer_key.public_key(),
        common_name=f"SEAL-0012 {SEAL_NAME}",
        organization=SENDER,
        not_before=NOW,
        not_after=NOW + 365 * DAY,
    )
    picture = sealpic.render_seal(SENDER, size_px=240)
    seal_der = ses.make_seal(
        maker_key=maker.key,
        maker_cert_der=maker.cert_der,
        es_id="33010000000012",
        name=SEAL_NAME,
        seal_type=ses.SEAL_TYPE_ORGANIZATION,
        signer_cert_der=signer_der,
        picture_png=picture,
        width_mm=42,
        height_mm=42,
        valid_start=NOW,
        valid_end=NOW + 365 * DAY,
        create_date=NOW,
    )
    document = document_metadata()
    pdf = gongwen_pdf(picture) if real_pdf else b"%PDF-1.4\n% not a real rendering\n%%EOF\n"
    members = sample_members(pdf)
    manifest = build_manifest(document=document, members=members)
    signature_der = sign(signer_key, signer_der, seal_der, manifest.digest)
    data = write_package(
        manifest=manifest, members=members, seal_der=seal_der, signature_der=signature_der
    )
    return Sample(
        maker, signer_key, signer_der, seal_der, document, members, manifest, signature_der, data
    )


def sign(key: gm.PrivateKey, cert_der: bytes, seal_der: bytes, digest: bytes) -> bytes:
    return ses.sign_data(
        seal_der=seal_der,
        signer_key=key,
        signer_cert_der=cert_der,
        data_hash=digest,
        property_info="wenshu-package/1;document=1024",
        time=SIGNED_AT,
    )


def document_metadata() -> dict[str, Any]:
    """document.json as the documents app writes it: every GB/T 9704 element and ids."""
    return {
        "schema": "wenshu-document/1",
        "id": 1024,
        "doc_type": "通知",
        "copy_number": "",
        "secrecy": "非密",
        "secrecy_period": "",
        "urgency": "加急",
        "issuer_mark": "某市财政局文件",
        "doc_number": DOC_NUMBER,
        "signer": "",
        "title": TITLE,
        "main_recipients": "市直各部门、各单位",
        "body": [
            {"kind": str(p.kind), "text": p.text, "continuation": p.continuation} for p in BODY
        ],
        "attachments": [
            {"index": 1, "title": ATTACHMENT_TITLES[0], "member": attachment_name(1, ".docx")},
            {"index": 2, "title": ATTACHMENT_TITLES[1], "member": attachment_name(2, ".xlsx")},
            {"index": 3, "title": "2027年度预算编制软件操作手册（纸质）", "paper_only": True},
        ],
        "issuer_signature": SENDER,
        "issue_date": "2026-11-25",
        "note": "此件公开发布",
        "cc": ["市委办公室", "市人大常委会办公室"],
        "printer": "某市财政局办公室",
        "print_date": "2026-11-25",
        "sender": {"unit_id": 7, "unit_name": SENDER},
        "recipients": {
            "main": [{"unit_id": 3, "unit_name": "某市教育局", "copies": 2}],
            "cc": [{"unit_id": 1, "unit_name": "市委办公室", "copies": 0}],
        },
        "approved_at": "2026-11-25T09:00:00+08:00",
    }


def attachment_name(index: int, extension: str) -> str:
    return member_name("attachment", ATTACHMENT_TITLES[index - 1] + extension, index=index)


def sample_members(pdf: bytes) -> tuple[Member, ...]:
    body_text = "\n".join(p.text + p.continuation for p in BODY).encode()
    return (
        Member(member_name("body", "正文.txt"), body_text, MemberRole.BODY),
        Member(attachment_name(1, ".docx"), _docx(), MemberRole.ATTACHMENT),
        Member(attachment_name(2, ".xlsx"), _xlsx(), MemberRole.ATTACHMENT),
        Member(member_name("pdf", "x.pdf"), pdf, MemberRole.PDF),
    )


def gongwen_pdf(seal_png: bytes) -> bytes:
    data = GongwenData(
        issuer_mark="某市财政局文件",
        doc_number=DOC_NUMBER,
        urgency="加急",
        title=TITLE,
        main_recipients="市直各部门、各单位",
        body=BODY,
        attachments=ATTACHMENT_TITLES,
        issuer_signature=SENDER,
        issue_date=date(2026, 11, 25),
        seal_png=seal_png,
        cc=("市委办公室", "市人大常委会办公室"),
        printer="某市财政局办公室",
        print_date=date(2026, 11, 25),
    )
    return render_pdf(data)


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("2027年度市级部门预算编制说明")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["会议类别", "住宿费（元/人天）", "伙食费（元/人天）"])
    sheet.append(["一类会议", 500, 150])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- taking packages apart ---------------------------------------------------------------


def files_of(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def rebuild(data: bytes, wanted: dict[str, bytes | None]) -> bytes:
    """Rebuild a package canonically with some files replaced (bytes) or dropped (None)."""
    files = [(name, wanted.get(name, content)) for name, content in files_of(data)]
    return build_zip([(name, content) for name, content in files if content is not None])


def content_spans(data: bytes) -> dict[str, tuple[int, int]]:
    """Where each member's stored bytes sit in the ZIP (no extra fields are written)."""
    spans = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            start = info.header_offset + 30 + len(info.filename.encode())
            spans[info.filename] = (start, start + info.file_size)
    return spans
