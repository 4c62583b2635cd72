"""The one error the exchange-package layer raises when it is asked to build something wrong."""

from __future__ import annotations

from wenshu.lib.errors import DomainError

__all__ = ["CanonicalJsonError", "PackageError"]


class PackageError(DomainError):
    """A package cannot be built as asked; the message is Chinese, for the user."""

    code = "package_invalid"


class CanonicalJsonError(PackageError):
    """A value cannot be written as canonical JSON (a float, a datetime, a non-text key …)."""

    code = "canonical_json"
