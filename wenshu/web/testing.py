"""Helpers for browser tests: headless Chromium from Debian's packages, waits that survive a
page load, and screenshots.

The root conftest builds the `browser` and `browser_login` fixtures on `chromium_driver()`;
screenshots go under settings.TEST_ARTIFACTS_DIR so CI keeps them.

Waiting: after a click that loads another page (a link, a form's POST and its redirect), read
the new page only through `click_and_wait` or `wait_for_text`. Selenium's expected conditions
ignore only StaleElementReferenceException, but an element read while its document unloads can
fail with other errors ("Node with given id does not belong to the document"), and the old page
may already hold the awaited text. These helpers read the page with one script per poll, treat
any error while the page changes as "not yet", and `click_and_wait` also waits for the old
document to be gone.
"""

from __future__ import annotations

import re
import secrets
import time
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


# One poll: None while the page is the marked (old) one, still loading, or lacks the element;
# else the text of the first element matching the selector.
_READ_PAGE = """
const [css, mark] = arguments;
if (mark && window.__wenshuPageMark === mark) return null;
if (document.readyState !== "complete") return null;
const el = document.querySelector(css);
return el ? el.innerText : null;
"""
_POLL_SECONDS = 0.1


def _mark_page(driver: Any) -> str:
    """Tag the current document so a wait can tell it from the next one."""
    mark = secrets.token_hex(8)
    driver.execute_script("window.__wenshuPageMark = arguments[0];", mark)
    return mark


def _page_summary(driver: Any) -> str:
    from selenium.common.exceptions import WebDriverException

    try:
        url = driver.current_url
    except WebDriverException as exc:
        url = f"?（{type(exc).__name__}）"
    try:
        text = driver.execute_script("return document.body ? document.body.innerText : '';") or ""
    except WebDriverException as exc:
        text = f"?（{type(exc).__name__}: {exc}）"
    text = " ".join(text.split())
    return f"URL {url}; page text: {text[:400]!r}"


def wait_for_text(
    driver: Any,
    text: str = "",
    *,
    css: str = "main",
    timeout: float = 30,
    without: str = "",
    _mark: str = "",
) -> str:
    """Wait until the page has finished loading and the first element matching `css` shows
    `text` (and no longer shows `without`, when given); return that element's text.

    Errors while the page changes (a navigation, a redirect) count as "not yet". On timeout
    the test fails with the current URL and the start of the page text.
    """
    from selenium.common.exceptions import WebDriverException

    deadline = time.monotonic() + timeout
    last_error = ""
    while True:
        try:
            shown = driver.execute_script(_READ_PAGE, css, _mark)
        except WebDriverException as exc:
            shown, last_error = None, f"{type(exc).__name__}: {exc.msg or exc}".strip()
        if shown is not None and text in shown and not (without and without in shown):
            return shown
        if time.monotonic() >= deadline:
            break
        time.sleep(_POLL_SECONDS)
    wanted = f"{text!r} in <{css}>" + (f" without {without!r}" if without else "")
    if _mark:
        wanted = "a new page with " + wanted
    detail = f"; last error: {last_error}" if last_error else ""
    raise AssertionError(f"waited {timeout:g}s for {wanted}; {_page_summary(driver)}{detail}")


def button(scope: Any, label: str) -> Any:
    """The button labelled `label` (spaces normalised) in `scope`: the driver or an element."""
    from selenium.webdriver.common.by import By

    return scope.find_element(By.XPATH, f".//button[normalize-space()='{label}']")


def click_and_wait(
    driver: Any,
    element: Any,
    text: str = "",
    *,
    css: str = "main",
    timeout: float = 30,
    confirm: bool = False,
    without: str = "",
) -> str:
    """Click `element` (a link or a submit button), accept the confirm() dialog when `confirm`,
    then wait for a new page — not the one clicked on — to finish loading with `text` in its
    first `css` element; return that element's text.

    Only for clicks that load a page: an htmx swap keeps the document, use `wait_for_text`.
    """
    mark = _mark_page(driver)
    element.click()
    if confirm:
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(driver, timeout).until(ec.alert_is_present()).accept()
    return wait_for_text(driver, text, css=css, timeout=timeout, without=without, _mark=mark)
