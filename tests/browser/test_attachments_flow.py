"""Seed 002's file flow in a real browser: attach two files, preview, step, download."""

import pytest
from playwright.sync_api import expect

from tests.attachments.files import REAL
from tests.helpers import PASSWORD
from tickets.models import Attachment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_attaches_two_files_previews_them_and_downloads_the_second(
    page, log_in, alice, make_ticket, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    ticket = make_ticket(alice, subject="Screens flicker")
    shot = tmp_path / "screenshot.png"
    shot.write_bytes(REAL["screenshot.png"])
    notes = tmp_path / "notes.txt"
    notes.write_bytes(REAL["notes.txt"])

    log_in(alice.email, PASSWORD)
    page.goto(ticket.get_absolute_url())
    expect(page.get_by_text("Up to 10 files, 20 MB each")).to_be_visible()
    page.fill("#id_body", "Two files for you.")
    page.set_input_files("#id_files", [str(shot), str(notes)])
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Your message was sent.")).to_be_visible()
    assert sorted(Attachment.objects.values_list("name", flat=True)) == [
        "notes.txt",
        "screenshot.png",
    ]

    page.locator(".message a[data-preview]").filter(has_text="screenshot.png").click()
    viewer = page.get_by_role("dialog", name="File preview")
    expect(viewer).to_be_visible()
    expect(viewer.locator("[data-viewer-name]")).to_have_text("screenshot.png")
    expect(viewer.locator("[data-viewer-position]")).to_have_text("1 of 2 attachments")
    expect(viewer.locator("[data-viewer-meta]")).to_contain_text("70 bytes")
    expect(viewer.locator("img")).to_have_js_property("naturalWidth", 1)

    viewer.get_by_role("button", name="Next file").click()
    expect(viewer.locator("[data-viewer-name]")).to_have_text("notes.txt")
    expect(viewer.locator("[data-viewer-position]")).to_have_text("2 of 2 attachments")

    with page.expect_download() as download_info:
        viewer.get_by_role("link", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "notes.txt"
    assert download.path().read_bytes() == REAL["notes.txt"]

    viewer.get_by_role("button", name="Close preview").click()
    expect(viewer).to_be_hidden()
