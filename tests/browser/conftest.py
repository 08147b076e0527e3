"""Headless Chromium (Debian's, never a downloaded build) driven by Playwright."""

import os

import pytest

from tests.browser.helpers import watch_for_csp_violations
from tests.helpers import chromium_path

# Playwright's sync API runs an event loop in the test's thread; the ORM calls
# the tests make around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        pytest.fail("CI must run the browser tests: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page; its test fails if any page of its context met a CSP violation."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    violations = watch_for_csp_violations(context)
    page = context.new_page()
    yield page
    context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
def log_in_to(page):
    def as_user(email: str, password: str, landing: str = "**/tickets/"):
        page.goto("/accounts/login/")
        page.fill("#id_username", email)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(landing)
        return page

    return as_user


@pytest.fixture
def log_in(log_in_to):
    return log_in_to
