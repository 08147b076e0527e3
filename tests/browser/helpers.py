"""What browser tests share besides fixtures: watching pages for CSP violations,
the look of a submit button that waits for its form to be filled, and what
axe-core and the page width say."""

import re

from axe_playwright_python.sync_playwright import Axe

# Every document of a context reports the Content-Security-Policy violations it
# meets as console errors, from its first parsed tag on (an init script runs
# before the page's own). Chromium's own "Refused to ..." lines are log entries
# that Playwright does not always pass on as console messages; they count too
# when it does. Sandboxed previews run no script, but they hold no markup of ours.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("securitypolicyviolation: " + event.effectiveDirective + " refused "
    + (event.blockedURI || "inline code") + " in " + event.documentURI);
});
"""


def watch_for_csp_violations(context) -> list[str]:
    """The CSP violations of every page of ``context``, as they happen."""
    violations: list[str] = []

    def collect(message) -> None:
        text = message.text
        if text.startswith("securitypolicyviolation"):
            violations.append(text)
        elif "Content Security Policy" in text:
            violations.append(f"{message.location.get('url')}: {text}")

    context.add_init_script(CSP_LISTENER)
    context.on("console", collect)
    return violations


def expect_waiting_for(button, *labels: str) -> None:
    """A submit button waiting for fields to be filled (issue 20): still in the
    Tab order (not ``disabled``), marked ``aria-disabled``, described by the
    line that names what is missing; pressing it is refused and announced."""
    from playwright.sync_api import expect

    page = button.page
    missing = "Still to fill in: " + ", ".join(labels)
    expect(button).to_have_attribute("aria-disabled", "true")
    assert button.evaluate("b => !b.disabled && b.tabIndex === 0")
    expect(button).to_have_accessible_description(missing)
    url = page.url
    button.focus()
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    form = button.locator("xpath=ancestor::form")
    expect(form.get_by_role("status")).to_have_text(missing)
    expect(form.locator("[data-missing]")).to_have_class(re.compile("missing-hint-alert"))
    assert page.url == url
    expect(button).to_be_focused()


def expect_ready(button) -> None:
    """A submit button whose form is filled: no longer aria-disabled, no missing line."""
    from playwright.sync_api import expect

    expect(button).not_to_have_attribute("aria-disabled", "true")
    expect(button).to_be_enabled()
    expect(button).not_to_have_attribute("aria-describedby", re.compile("missing-"))


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in ("critical", "serious")
    ]


def page_width(page) -> dict:
    return page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
