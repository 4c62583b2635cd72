"""Domain errors: a refusal the user can understand, shown on the page or as a JSON 4xx.

Raise them from services with a Chinese message that says what rule was hit and, where it
helps, what to do instead. One handler per interface (pages, API) renders them.
"""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the request (HTTP 400 unless a subclass says otherwise)."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    """The object does not exist *for this viewer* (another unit's data is a 404, not a 403)."""

    status = 404
    code = "not_found"

    def __init__(
        self, message: str = "找不到该记录，或您无权查看。", *, code: str | None = None
    ) -> None:
        super().__init__(message, code=code)


class Forbidden(DomainError):
    """The viewer may see the object but may not do this to it (wrong role or step)."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The object is not in a state that allows this (stale page, double click, wrong step)."""

    status = 409
    code = "conflict"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


class Throttled(DomainError):
    status = 429
    code = "throttled"
