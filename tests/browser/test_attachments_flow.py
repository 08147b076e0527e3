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


PHONE = {"width": 390, "height": 844}
LONG_NAME = "architecture-diagram-of-the-production-cluster-in-eu-west-1-after-the-migration.png"


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None
    return box


def _inside_the_width(box: dict) -> bool:
    return box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5


def test_on_a_390px_phone_the_preview_fits_the_screen(
    page, log_in, alice, make_ticket, tmp_path, settings
):
    """Issue 20: the image is scaled to the phone's width, the footer with "n of
    N" stays on the screen, and nothing scrolls sideways, long names included."""
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path / "media"
    ticket = make_ticket(alice, subject="The diagram")
    wide = tmp_path / LONG_NAME
    Image.new("RGB", (1600, 1000), (47, 91, 234)).save(wide)
    notes = tmp_path / "notes.txt"
    notes.write_bytes(REAL["notes.txt"])
    page.set_viewport_size(PHONE)
    log_in(alice.email, PASSWORD)
    page.goto(ticket.get_absolute_url())
    page.fill("#id_body", "The diagram and my notes.")
    page.set_input_files("#id_files", [str(wide), str(notes)])
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Your message was sent.")).to_be_visible()

    page.locator(".message a[data-preview]").filter(has_text=LONG_NAME).click()
    viewer = page.get_by_role("dialog", name="File preview")
    image = viewer.locator("img")
    expect(image).to_have_js_property("naturalWidth", 1600)

    picture = _box(image)
    assert _inside_the_width(picture)
    assert picture["width"] >= 0.85 * PHONE["width"], f"the image is {picture['width']}px wide"
    assert abs(picture["width"] / picture["height"] - 1.6) < 0.02  # scaled, not stretched
    for part in ("[data-viewer-close]", "[data-viewer-download]", "[data-viewer-next]"):
        control = _box(viewer.locator(part))
        assert _inside_the_width(control), part
    footer = viewer.locator("footer")
    expect(footer.locator("[data-viewer-position]")).to_have_text("1 of 2 attachments")
    bottom = _box(footer)
    assert bottom["y"] >= picture["y"] + picture["height"] - 0.5  # below the image
    assert bottom["y"] + bottom["height"] <= PHONE["height"], "the footer is cut off"
    expect(footer.locator("[data-viewer-meta]")).to_be_in_viewport(ratio=1)
    sizes = page.evaluate(
        """() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
                   viewer: document.getElementById("viewer").scrollWidth,
                   viewerWidth: document.getElementById("viewer").clientWidth})"""
    )
    assert sizes["scroll"] <= sizes["inner"]
    assert sizes["viewer"] <= sizes["viewerWidth"]

    # A text file fills the same stage.
    viewer.get_by_role("button", name="Next file").click()
    frame = _box(viewer.locator("iframe"))
    assert _inside_the_width(frame)
    assert _box(footer)["y"] + _box(footer)["height"] <= PHONE["height"]
