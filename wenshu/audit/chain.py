"""The canonical bytes of an audit row and the chained SM3 hash over them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from wenshu.lib.gm import sm3_hex

CHAINED_FIELDS = (
    "seq", "created_at", "actor_id", "actor_name", "on_behalf_of_id", "on_behalf_of_name",
    "unit_id", "unit_name", "action", "target_type", "target_id", "target_repr", "ip",
    "result", "details",
)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_bytes(row: Any) -> bytes:
    data = {name: getattr(row, name) for name in CHAINED_FIELDS}
    data["created_at"] = _iso(data["created_at"])
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def chain_hash(prev_hash: str, row: Any) -> str:
    return sm3_hex(bytes.fromhex(prev_hash) + canonical_bytes(row))
