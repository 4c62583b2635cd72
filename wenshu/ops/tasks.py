# Huey's autodiscovery imports <app>.tasks; the schedule lives in one module.
from wenshu.ops import schedule  # noqa: F401
