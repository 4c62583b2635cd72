"""Seal pictures: drawing a round official seal, and vetting uploaded PNG scans."""

from __future__ import annotations

import io
import os
import zlib

import pytest
from PIL import Image

from wenshu.lib import sealpic

SIZE = 400


@pytest.fixture(scope="module")
def font_path() -> str:
    try:
        return sealpic.default_font_path()
    except FileNotFoundError:
        pytest.skip("no Chinese font installed (fonts-wqy-zenhei or fonts-arphic-uming)")


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def _rgba(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    pixel = image.getpixel(xy)
    assert isinstance(pixel, tuple)
    return pixel


def _inked(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Count the opaque pixels inside ``box``."""
    alpha = image.getchannel("A").crop(box)
    return int(alpha.point(lambda value: 255 if value > 128 else 0).histogram()[255])


def _png(size: tuple[int, int], mode: str = "RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format="PNG")
    return buffer.getvalue()


# --- drawing -----------------------------------------------------------------------------


def test_it_draws_a_transparent_png_of_the_asked_size(font_path: str) -> None:
    image = _image(sealpic.render_seal("某市财政局", size_px=SIZE, font_path=font_path))
    assert image.format == "PNG"
    assert image.mode == "RGBA"
    assert image.size == (SIZE, SIZE)
    assert _rgba(image, (0, 0))[3] == 0  # the corners outside the ring are see-through


def test_it_defaults_to_a_42_mm_seal_at_600_dpi(font_path: str) -> None:
    assert sealpic.seal_size_px() == 992
    assert sealpic.validate_png(sealpic.render_seal("某市财政局")) == (992, 992)


def test_it_draws_the_ring_and_the_star_in_seal_red(font_path: str) -> None:
    image = _image(sealpic.render_seal("某市财政局", size_px=SIZE, font_path=font_path))
    red, green, blue, alpha = _rgba(image, (SIZE // 2, SIZE // 2))  # the star's centre
    assert alpha == 255 and red > 180 and green < 80 and blue < 80
    assert _rgba(image, (SIZE // 2, 3))[3] > 128  # the top of the ring
    assert _rgba(image, (SIZE - 4, SIZE // 2))[3] > 128  # the right of the ring


def test_it_writes_the_name_along_the_upper_rim_only(font_path: str) -> None:
    image = _image(sealpic.render_seal("某市财政局", size_px=SIZE, font_path=font_path))
    upper_band = (SIZE // 4, SIZE // 20, 3 * SIZE // 4, SIZE // 4)
    lower_band = (3 * SIZE // 8, 3 * SIZE // 4, 5 * SIZE // 8, 7 * SIZE // 8)
    assert _inked(image, upper_band) > 500
    assert _inked(image, lower_band) == 0


def test_it_writes_the_text_under_the_star_when_given(font_path: str) -> None:
    png = sealpic.render_seal("某市财政局", bottom_text="公文专用章", size_px=SIZE)
    below_star = (SIZE // 4, 2 * SIZE // 3, 3 * SIZE // 4, 5 * SIZE // 6)
    assert _inked(_image(png), below_star) > 300


def test_it_fits_a_long_name_inside_the_seal(font_path: str) -> None:
    name = "中国共产党某某市委员会办公室机要保密局"
    image = _image(sealpic.render_seal(name, size_px=SIZE, font_path=font_path))
    assert _rgba(image, (0, 0))[3] == 0
    assert _rgba(image, (SIZE - 1, SIZE - 1))[3] == 0


def test_it_refuses_an_empty_name(font_path: str) -> None:
    with pytest.raises(ValueError, match="单位名称"):
        sealpic.render_seal("  ", font_path=font_path)


def test_it_refuses_an_absurd_size(font_path: str) -> None:
    with pytest.raises(ValueError):
        sealpic.render_seal("某市财政局", size_px=10, font_path=font_path)


def test_it_takes_the_first_font_that_exists(tmp_path: os.PathLike[str]) -> None:
    present = os.path.join(tmp_path, "present.ttc")
    with open(present, "wb") as handle:
        handle.write(b"")
    missing = os.path.join(tmp_path, "missing.ttc")
    assert sealpic.default_font_path([missing, present]) == present


def test_it_says_which_fonts_are_missing() -> None:
    with pytest.raises(FileNotFoundError, match="找不到中文字体"):
        sealpic.default_font_path(["/nonexistent/font.ttc"])


# --- validating uploads ------------------------------------------------------------------


def test_it_accepts_a_png_and_gives_its_size() -> None:
    assert sealpic.validate_png(_png((300, 200))) == (300, 200)


def test_it_refuses_a_file_that_is_not_png() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="JPEG")
    with pytest.raises(ValueError, match="PNG"):
        sealpic.validate_png(buffer.getvalue())


def test_it_refuses_a_file_that_is_too_big() -> None:
    with pytest.raises(ValueError, match="不能超过"):
        sealpic.validate_png(_png((300, 300)), max_bytes=100)


def test_it_refuses_huge_dimensions_before_decoding() -> None:
    # A one-bit 20000 × 20000 image compresses to a few kilobytes: a decompression bomb.
    bomb = _png((20000, 20000), mode="1")
    assert len(bomb) < sealpic.MAX_PNG_BYTES
    with pytest.raises(ValueError, match="像素"):
        sealpic.validate_png(bomb)


def test_it_refuses_a_truncated_png() -> None:
    data = _png((300, 300))
    with pytest.raises(ValueError, match="损坏"):
        sealpic.validate_png(data[: len(data) // 2])


def test_it_refuses_a_png_with_a_corrupt_chunk() -> None:
    data = bytearray(_png((64, 64)))
    idat = data.index(b"IDAT")
    length = int.from_bytes(data[idat - 4 : idat], "big")
    data[idat + 4 + length // 2] ^= 0xFF  # inside the compressed pixels; the CRC now fails
    assert zlib.crc32(bytes(data[idat : idat + 4 + length])) != int.from_bytes(
        data[idat + 4 + length : idat + 8 + length], "big"
    )
    with pytest.raises(ValueError, match="损坏"):
        sealpic.validate_png(bytes(data))
