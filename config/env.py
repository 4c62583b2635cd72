"""Small typed readers for WENSHU_* environment variables.

Every setting comes from the environment; a secret may also come from a file named by
``<NAME>_FILE`` (Docker/Kubernetes secrets style).
"""

from __future__ import annotations

import os


class ConfigurationError(RuntimeError):
    """A setting is missing or malformed: start-up stops with this message."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, *, required: bool, default: str = "") -> str:
    """A secret from NAME or from the file named by NAME_FILE; required ones have no default."""
    value = os.environ.get(name, "")
    path = os.environ.get(f"{name}_FILE", "")
    if not value and path:
        try:
            with open(path, encoding="utf-8") as fh:
                value = fh.read().strip()
        except OSError as exc:
            raise ConfigurationError(f"{name}_FILE={path} cannot be read: {exc}") from exc
    if value:
        return value
    if required:
        raise ConfigurationError(
            f"{name} is required in production mode (set {name} or {name}_FILE). "
            f"生产模式必须设置 {name}。"
        )
    return default
