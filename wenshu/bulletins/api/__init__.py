"""/api/v1/bulletins/: notices (notices.py) and information reports (reports.py)."""

from ninja import Router

from wenshu.bulletins.api import notices, reports

router = Router()
router.add_router("", notices.router)
router.add_router("", reports.router)

__all__ = ["router"]
