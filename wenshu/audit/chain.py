"""The canonical bytes of an audit row and the chained SM3 hash over them.

A row's hash is computed when it is written, from the Python values about to be stored, and
recomputed by the verifier from the values read back. Both must give the same bytes on SQLite
and on PostgreSQL, so every value is first reduced to a form the database returns unchanged
(`plain_details`, `clean_text`): jsonb rewrites `1e+20` as an integer literal and rejects NUL,
text columns reject NUL, and UTF-8 cannot carry lone surrogates.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from wenshu.lib.gm import sm3_hex

CHAINED_FIELDS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_name",
    "on_behalf_of_id",
    "on_behalf_of_name",
    "unit_id",
    "unit_name",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "ip",
    "result",
    "details",
)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_bytes(row: Any) -> bytes:
    data = {name: getattr(row, name) for name in CHAINED_FIELDS}
    data["created_at"] = _iso(data["created_at"])
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def chain_hash(prev_hash: str, row: Any) -> str:
    return sm3_hex(bytes.fromhex(prev_hash) + canonical_bytes(row))


def clean_text(value: str) -> str:
    """Text both databases store and return as given: no NUL, no lone surrogates."""
    value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def _key(key: Any) -> str:
    # The same conversions json.dumps applies to non-string keys.
    if isinstance(key, str):
        return clean_text(key)
    if key is None or isinstance(key, bool):
        return json.dumps(key)
    return clean_text(str(key))


def _float(value: float) -> float | int | str:
    if not math.isfinite(value):
        return str(value)  # NaN and infinities are not JSON; PostgreSQL refuses them
    if value.is_integer():
        return int(value)  # jsonb returns 1e+20 as 100000000000000000000, an int once parsed
    return value


def plain_details(value: Any) -> Any:
    """`value` as JSON that reads back identically: the stored and hashed form of `details`."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _float(float(value))
    if isinstance(value, str):
        return clean_text(str(value))
    if isinstance(value, dict):
        return {_key(k): plain_details(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain_details(v) for v in value]
    try:  # dates, times, Decimal, UUID, lazy translations
        return clean_text(str(DjangoJSONEncoder().default(value)))
    except TypeError:
        return clean_text(str(value))
