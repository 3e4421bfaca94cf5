"""Debian's Chromium driven by Selenium (chromedriver), and axe-core in it: for the tests of
the web edition and of the preview."""

from __future__ import annotations

from builders import PROJECT_ROOT

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def axe_violations(browser, url: str | None = None) -> list:
    """axe-core's violations on the page at `url` (None: the page the browser shows)."""
    if url is not None:
        browser.get(url)
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: arguments[0]}).then(r => done(r.violations.map("
        "v => [v.id, v.nodes.map(n => n.html)])));",
        AXE_RULES,
    )
