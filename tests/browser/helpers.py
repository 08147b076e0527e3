"""What browser tests share besides fixtures: watching pages for CSP violations."""

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
