"""A document as GB/T 9704-2012 PDF, with the fonts the site configured (settings.FONT_*)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from django.conf import settings

from wenshu.documents import body as body_text
from wenshu.documents.models import Document
from wenshu.lib.errors import DomainError
from wenshu.lib.gongwen_pdf import Fonts, GongwenData, default_fonts, render_pdf

DRAFT_WATERMARK = "草稿"
_ROLES = ("fangsong", "heiti", "kaiti", "xiaobiaosong", "songti")
_CC_SPLIT = re.compile(r"[、，,；;\n]+")


def _font_setting(role: str) -> tuple[str, int] | None:
    """settings.FONT_<ROLE> as (path, subfont index); "path#2" names a .ttc's third face."""
    raw = str(getattr(settings, f"FONT_{role.upper()}", "") or "").strip()
    if not raw:
        return None
    path, _, index = raw.rpartition("#") if "#" in raw else (raw, "", "0")
    if not index.isdigit():
        raise DomainError(f"字体设置 WENSHU_FONT_{role.upper()} 的格式应为“路径”或“路径#序号”")
    return path, int(index)


def fonts_from_settings() -> Fonts:
    """The site's fonts; a role left empty takes the free font found on this machine."""
    chosen = {role: _font_setting(role) for role in _ROLES}
    values: dict[str, object] = {}
    for role, found in chosen.items():
        if found is not None:
            values[role], values[f"{role}_index"] = found
    embolden = str(getattr(settings, "FONT_XIAOBIAOSONG_EMBOLDEN", "") or "").strip()
    if embolden:
        try:
            values["xiaobiaosong_embolden"] = float(embolden)
        except ValueError as exc:
            raise DomainError(
                "字体设置 WENSHU_FONT_XIAOBIAOSONG_EMBOLDEN 应为小数，如 0.02"
            ) from exc
    if all(found is not None for found in chosen.values()):
        return Fonts(**values)  # type: ignore[arg-type]
    if chosen["xiaobiaosong"] is not None and "xiaobiaosong_embolden" not in values:
        values["xiaobiaosong_embolden"] = 0.0  # a configured 小标宋 is a real one
    return replace(default_fonts(), **values)  # type: ignore[arg-type]


def cc_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in _CC_SPLIT.split(text or "") if part.strip())


def attachment_titles(document: Document) -> tuple[str, ...]:
    return tuple(a.title for a in document.attachments.order_by("position"))


def gongwen_data(
    document: Document, *, seal_png: bytes | None = None, print_date: date | None = None
) -> GongwenData:
    """The document's GB/T 9704 elements (份号 is per printed copy, so none here)."""
    try:
        return GongwenData(
            issuer_mark=document.issuer_mark,
            title=document.title,
            body=body_text.to_paragraphs(document.body),
            doc_number=document.doc_number,
            urgency=document.urgency,
            signer=document.signer_name if document.is_upward else "",
            main_recipients=document.main_recipients,
            attachments=attachment_titles(document),
            issuer_signature=document.issuer_signature,
            issue_date=document.issue_date,
            seal_png=seal_png,
            note=document.note,
            cc=cc_list(document.cc),
            printer=document.printer,
            print_date=print_date or document.print_date,
        )
    except ValueError as exc:
        raise DomainError(f"公文要素不完整，无法生成版式文件：{exc}") from exc


def render(data: GongwenData, *, watermark: str | None = None) -> bytes:
    """render_pdf with the site's fonts; a missing or unusable font is a clear refusal."""
    try:
        return render_pdf(data, fonts=fonts_from_settings(), watermark=watermark)
    except (OSError, ValueError) as exc:
        raise DomainError(f"版式文件生成失败：{exc}。请系统管理员检查字体设置。") from exc


def draft_pdf(document: Document) -> bytes:
    """The preview of an unsealed document: no seal, "草稿" over every page."""
    return render(gongwen_data(document), watermark=DRAFT_WATERMARK)
