"""The per-role user guide is assembled from the feature parts and must not go stale."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_role_guide_is_current_and_files_every_section():
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "assemble.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_there_is_a_page_for_each_role_the_issues_name():
    pages = {p.stem for p in (ROOT / "docs" / "guide").glob("*.md")}
    assert {
        "clerk",
        "leader",
        "unit-admin",
        "digital-office",
        "system-admin",
        "security-admin",
        "audit-admin",
    } <= pages
