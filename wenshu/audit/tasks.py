"""Background work of the audit app; the schedule itself lives in wenshu/ops/schedule.py."""

from __future__ import annotations

from wenshu.audit.services import chain_verification_run


def audit_verify_daily() -> int:
    """Verify the whole chain, keep the result, alert on failure. Returns the verification id."""
    return chain_verification_run(actor=None).pk
