"""Canonical JSON: one byte sequence per value, so that a hash over it can be recomputed.

The form is RFC 8785 (JSON Canonicalization Scheme, JCS) restricted to the values Wenshu
writes — objects with text keys, arrays, text, integers within ±(2^53 − 1), true, false,
null — so a third party can recompute it with any JCS library or with a few lines of code:

* UTF-8, no byte-order mark, no whitespace outside strings;
* object members sorted by their keys compared as UTF-16 code units (JCS); for keys
  without characters beyond U+FFFF this is plain code-point order;
* strings as ``json.dumps(..., ensure_ascii=False)`` writes them: only ``"``, ``\\`` and
  the control characters U+0000–U+001F are escaped (``\\b \\f \\n \\r \\t``, the others as
  ``\\u00xx`` with lower-case hex) — exactly the JCS rules;
* integers in decimal without leading zeros or a plus sign.

Floats are refused (their JCS form depends on ECMAScript number formatting, which
nothing here needs); dates and times must already be ISO 8601 strings with a time zone.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .errors import CanonicalJsonError

__all__ = ["MAX_SAFE_INTEGER", "canonical_json", "is_canonical"]

MAX_SAFE_INTEGER = 2**53 - 1  # I-JSON (RFC 7493): larger integers lose precision elsewhere
_MAX_DEPTH = 64


def canonical_json(obj: Any) -> bytes:
    """Return the canonical JSON bytes of ``obj``; raise `CanonicalJsonError` on any value
    outside the restricted data model (the message names where it is)."""
    parts: list[str] = []
    _write(obj, parts, "$", 0)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate has no UTF-8 form
        raise CanonicalJsonError("规范 JSON 中含有无法编码为 UTF-8 的字符") from exc


def is_canonical(data: bytes) -> bool:
    """True when ``data`` is the canonical JSON of the value it parses to."""
    try:
        return canonical_json(json.loads(data.decode("utf-8"))) == data
    except (ValueError, RecursionError, CanonicalJsonError):
        return False


def _write(value: Any, out: list[str], path: str, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise CanonicalJsonError(f"规范 JSON 嵌套过深：{path}")
    if value is None or isinstance(value, bool):
        out.append({None: "null", True: "true", False: "false"}[value])
    elif isinstance(value, int):
        out.append(_integer(value, path))
    elif isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, dict):
        _write_object(value, out, path, depth)
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out, f"{path}[{index}]", depth + 1)
        out.append("]")
    else:
        raise CanonicalJsonError(_refusal(value, path))


def _write_object(value: dict[Any, Any], out: list[str], path: str, depth: int) -> None:
    for key in value:
        if not isinstance(key, str):
            raise CanonicalJsonError(f"规范 JSON 的键必须是文本：{path} 中的 {key!r}")
    out.append("{")
    for index, key in enumerate(sorted(value, key=_utf16_key)):
        if index:
            out.append(",")
        out.append(json.dumps(key, ensure_ascii=False))
        out.append(":")
        _write(value[key], out, f"{path}.{key}", depth + 1)
    out.append("}")


def _utf16_key(key: str) -> bytes:
    # JCS orders keys by UTF-16 code units; "surrogatepass" keeps lone surrogates sortable
    # so that the UTF-8 step reports them with a clear message.
    return key.encode("utf-16-be", "surrogatepass")


def _integer(value: int, path: str) -> str:
    if abs(value) > MAX_SAFE_INTEGER:
        raise CanonicalJsonError(f"规范 JSON 的整数超出 ±(2^53−1)：{path}")
    return str(int(value))  # int() drops an IntEnum's name


def _refusal(value: Any, path: str) -> str:
    if isinstance(value, float):
        return f"规范 JSON 不允许小数（浮点数）：{path}，请改用整数或文本"
    if isinstance(value, dt.date | dt.time):
        return f"规范 JSON 中的日期时间必须先写成带时区的 ISO 8601 文本：{path}"
    return f"规范 JSON 不支持 {type(value).__name__} 类型的值：{path}"
