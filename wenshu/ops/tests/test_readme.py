"""README.md keeps up with the code: every setting read in config/settings.py, the demo
accounts and the commands a newcomer needs."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from wenshu.ops import demo

ROOT = Path(settings.BASE_DIR)
_READ = re.compile(r"""env_(?:str|bool|int|list|secret)\(\s*["']([A-Z0-9_]+)["']""")


def readme_text() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def settings_variables() -> set[str]:
    return set(_READ.findall((ROOT / "config" / "settings.py").read_text(encoding="utf-8")))


def test_the_settings_reader_pattern_finds_the_known_variables():
    found = settings_variables()
    assert {"WENSHU_ENV", "WENSHU_SECRET_KEY", "WENSHU_SEAL_KEK", "DATABASE_URL"} <= found


def test_every_environment_variable_read_in_settings_is_in_the_readme_table():
    rows = set(re.findall(r"^\|\s*`([A-Z0-9_]+)`", readme_text(), flags=re.MULTILINE))
    missing = sorted(settings_variables() - rows)
    assert missing == [], f"README.md 的配置表缺少这些环境变量：{missing}"


def test_secrets_readable_from_files_are_documented_with_their_file_variant():
    text = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    for name in re.findall(r"""env_secret\(\s*["']([A-Z0-9_]+)["']""", text):
        assert f"{name}_FILE" in readme_text()


def test_the_readme_lists_the_demo_accounts_as_generated():
    assert demo.accounts_markdown() in readme_text()
    assert demo.DEMO_PASSWORD in readme_text()


def test_the_readme_keeps_the_commands_a_newcomer_needs():
    text = readme_text()
    for command in ("make run", "make test", "make bench", "make lint", "load_demo_city"):
        assert command in text
