"""The document's fonts: which TrueType files play 仿宋, 黑体, 楷体, 小标宋 and 宋体.

Official documents need 仿宋_GB2312 and 方正小标宋, which are licensed; a site sets their
paths. The defaults are the free Debian fonts (fonts-arphic-uming, fonts-arphic-ukai,
fonts-wqy-zenhei). Every font is embedded (reportlab subsets TrueType outlines and writes a
ToUnicode map); reportlab's built-in STSong-Light is never used because it is not embedded.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from functools import lru_cache

from PIL import ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

__all__ = ["FONT_CANDIDATES", "Face", "Fonts", "default_fonts", "face_for"]

UMING = "/usr/share/fonts/truetype/arphic/uming.ttc"
UKAI = "/usr/share/fonts/truetype/arphic/ukai.ttc"
ZENHEI = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

# (path, subfont index) tried in order for each role; index 0 of these collections is the
# simplified-Chinese face ("AR PL UMing CN", "WenQuanYi Zen Hei").
FONT_CANDIDATES: dict[str, tuple[tuple[str, int], ...]] = {
    "fangsong": ((UMING, 0), (ZENHEI, 0)),
    "heiti": ((ZENHEI, 0), (UMING, 0)),
    "kaiti": ((UKAI, 0), (UMING, 0), (ZENHEI, 0)),
    "xiaobiaosong": ((UMING, 0), (ZENHEI, 0)),
    "songti": ((UMING, 0), (ZENHEI, 0)),
}


@dataclass(frozen=True)
class Fonts:
    """Paths (and .ttc subfont indexes) of the TrueType fonts a document is set in.

    ``*_embolden`` thickens a face by also stroking its outlines (a fraction of the font
    size): the free Ming font is much lighter than a real 小标宋, so the defaults embolden
    the 标志 and 标题 a little. Set it to 0 for a real 方正小标宋.
    """

    fangsong: str
    heiti: str
    kaiti: str
    xiaobiaosong: str
    songti: str = ""  # page numbers (4号宋体); falls back to fangsong when empty
    fangsong_index: int = 0
    heiti_index: int = 0
    kaiti_index: int = 0
    xiaobiaosong_index: int = 0
    songti_index: int = 0
    xiaobiaosong_embolden: float = 0.0

    def role(self, name: str) -> tuple[str, int]:
        """Return ``(path, index)`` of a role: fangsong, heiti, kaiti, xiaobiaosong, songti."""
        if name == "songti" and not self.songti:
            name = "fangsong"
        return getattr(self, name), getattr(self, f"{name}_index")


@lru_cache(maxsize=1)
def default_fonts() -> Fonts:
    """Pick, for each role, the first candidate font installed on this machine."""
    chosen: dict[str, str | int] = {}
    for role, candidates in FONT_CANDIDATES.items():
        found = next((c for c in candidates if os.path.isfile(c[0])), None)
        if found is None:
            raise FileNotFoundError(
                "未找到可嵌入的中文字体。请安装 fonts-arphic-uming、fonts-arphic-ukai、"
                "fonts-wqy-zenhei，或在设置中配置仿宋、黑体、楷体、小标宋字体文件的路径"
            )
        chosen[role], chosen[f"{role}_index"] = found
    embolden = 0.025 if chosen["xiaobiaosong"] == UMING else 0.0
    return Fonts(**chosen, xiaobiaosong_embolden=embolden)  # type: ignore[arg-type]


class Face:
    """One registered TrueType face and the metrics the layout needs."""

    def __init__(self, path: str, index: int) -> None:
        digest = hashlib.sha1(f"{path}|{index}".encode(), usedforsecurity=False).hexdigest()
        self.name = f"GW{digest[:10]}"
        self.path = path
        self.index = index
        try:
            font = TTFont(self.name, path, subfontIndex=index)
        except Exception as exc:  # reportlab raises TTFError, struct.error, IndexError …
            raise ValueError(
                f"字体文件无法使用：{path}（第 {index} 个字体）。需要 TrueType 轮廓的 "
                ".ttf/.ttc 文件，OpenType/CFF（.otf）字体不能嵌入"
            ) from exc
        pdfmetrics.registerFont(font)
        self._font = font
        # The descent reportlab writes into the PDF's FontDescriptor: text extraction tools
        # place a character's box from baseline + descent to baseline + descent + size.
        self.descent = font.face.descent / 1000.0

    def width(self, text: str, size: float) -> float:
        """Natural advance width of ``text`` at ``size`` points, without character spacing."""
        return float(pdfmetrics.stringWidth(text, self.name, size))

    def has(self, ch: str) -> bool:
        """Whether the face has a glyph for ``ch`` (else a fallback face must draw it)."""
        return ord(ch) in self._font.face.charToGlyph

    def box_top(self, size: float) -> float:
        """Height of the character box's top above the baseline (as PDF readers measure it)."""
        return size * (1.0 + self.descent)

    def ink(self, text: str) -> tuple[float, float]:
        """Return the inked extent of ``text`` as (top above, bottom below) baseline, in em."""
        return _ink(self.path, self.index, text)


@lru_cache(maxsize=64)
def _ink(path: str, index: int, text: str) -> tuple[float, float]:
    # Pillow rasterises with FreeType: the bounding box of the actual outlines, 1000 px/em.
    font = ImageFont.truetype(path, size=1000, index=index)
    left, top, right, bottom = font.getbbox(text, anchor="ls")
    if right <= left:
        return 0.0, 0.0
    return -top / 1000.0, bottom / 1000.0


_faces: dict[tuple[str, int], Face] = {}
_lock = threading.Lock()


def face_for(path: str, index: int) -> Face:
    """Load and register a face once per process (parsing a CJK font takes a while)."""
    key = (path, index)
    with _lock:
        face = _faces.get(key)
        if face is None:
            if not os.path.isfile(path):
                raise FileNotFoundError(f"字体文件不存在：{path}")
            face = _faces[key] = Face(path, index)
        return face
