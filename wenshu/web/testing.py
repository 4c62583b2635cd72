"""Helpers for browser tests: headless Chromium from Debian's packages, and screenshots.

Any app's tests can build a `browser` fixture from `chromium_driver()`; screenshots go
under settings.TEST_ARTIFACTS_DIR so CI keeps them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1366,900",
    "--lang=zh-CN",
)


def chromium_driver() -> Any:
    """A new headless Chromium WebDriver; the caller quits it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.implicitly_wait(2)
    return driver


def screenshot(driver: Any, name: str) -> Path:
    """Save a PNG of the current page as TEST_ARTIFACTS_DIR/<name>.png and return its path."""
    folder = Path(settings.TEST_ARTIFACTS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (re.sub(r"[^\w.-]+", "_", name) + ".png")
    driver.save_screenshot(str(path))
    return path
