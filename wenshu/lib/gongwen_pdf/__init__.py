"""Render an official document (公文) to PDF per GB/T 9704-2012 (党政机关公文格式).

    from wenshu.lib.gongwen_pdf import GongwenData, Paragraph, ParaKind, render_pdf

    pdf = render_pdf(GongwenData(issuer_mark="白银市财政局文件", title="关于……的通知", ...))

A4 with a 156 × 225 mm type area 37 mm from the top and 28 mm from the binding edge; the
body in 3号仿宋 on a grid of 22 lines of 28 characters; the red 发文机关标志 and rule; the
seal picture pressed over the signature and date; the 版记 at the bottom of the last page;
for 联合行文 (``co_issuers``) the organs' names stacked in the 标志 with "文件" on their right;
page numbers "— N —". Fonts are TrueType files, embedded and subset, with Unicode maps so
the text can be searched and copied. See `layout` for where the 版记 goes.
"""

from .fonts import FONT_CANDIDATES, Fonts, default_fonts
from .model import GongwenData, Paragraph, ParaKind, clean_copy_number
from .render import missing_characters, render_pdf

__all__ = [
    "FONT_CANDIDATES",
    "Fonts",
    "GongwenData",
    "ParaKind",
    "Paragraph",
    "clean_copy_number",
    "default_fonts",
    "missing_characters",
    "render_pdf",
]
