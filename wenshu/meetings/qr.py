"""A QR code as a PNG data: URI (the CSP allows img-src data:), for the sign-in screen."""

from __future__ import annotations

import base64
import io

import qrcode


def qr_data_uri(text: str) -> str:
    image = qrcode.make(text, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
