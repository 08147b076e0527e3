"""Issue 18: an agent merges a duplicate into another ticket of the same
organisation from the ticket page, by keyboard alone, on a desktop and on a
390px phone; the customer then sees the link on both tickets."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import page_width, serious_violations
from tests.helpers import PASSWORD
from tickets import services
from tickets.models import Message, Status, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_an_agent_merges_a_duplicate_by_keyboard(
    viewport, page, log_in_to, alice, bob, agent, make_ticket
):
    target = make_ticket(alice, "Printer on fire")
    source = make_ticket(bob, "Printer on fire again", description="Smoke from tray 2.")
    if viewport:
        page.set_viewport_size(viewport)

    log_in_to(agent.email, PASSWORD, landing="**/agent/queue/unassigned/")
    page.goto(source.get_absolute_url())
    # The menu opens from the keyboard and puts the focus in its number field.
    page.locator("summary", has_text="Merge into…").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Merge into ticket number")).to_be_focused()
    if viewport:
        width = page_width(page)
        assert width["scroll"] <= width["inner"], width
    page.keyboard.type(str(target.pk))
    page.keyboard.press("Enter")

    page.wait_for_url(f"**/tickets/{source.pk}/merge/?into={target.pk}")
    summary = page.locator("[data-merge-summary]")
    expect(summary).to_contain_text(f"#{source.pk} Printer on fire again")
    expect(summary).to_contain_text("requested by Bob Brandt")
    expect(summary).to_contain_text(f"#{target.pk} Printer on fire")
    expect(summary).to_contain_text("requested by Alice Anders")
    if viewport:
        width = page_width(page)
        assert width["scroll"] <= width["inner"], width
    assert serious_violations(page) == []
    page.get_by_label("Comment (internal note on the target)").focus()
    page.keyboard.type("Same printer, reported twice.")
    page.keyboard.press("Tab")  # "Choose another ticket", then the merge
    expect(page.get_by_role("link", name="Choose another ticket")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=f"Merge into #{target.pk}")).to_be_focused()
    page.keyboard.press("Enter")

    page.wait_for_url(f"**/tickets/{target.pk}/")
    expect(page.get_by_text(f"Ticket #{source.pk} was merged into this ticket")).to_be_visible()
    expect(page.locator("[data-merged-from]")).to_contain_text(f"#{source.pk}")
    expect(page.locator(".merged-tag").first).to_have_text(f"merged from #{source.pk}")
    if viewport:
        width = page_width(page)
        assert width["scroll"] <= width["inner"], width
    assert Ticket.objects.get(pk=source.pk).merged_into_id == target.pk
    assert Ticket.objects.get(pk=source.pk).status == Status.CLOSED
    note = Message.objects.get(ticket=target, is_internal=True)
    assert note.body.endswith("Same printer, reported twice.")


def test_the_customer_sees_the_link_on_both_tickets(
    page, log_in_to, alice, bob, agent, make_ticket
):
    target = make_ticket(alice, "Printer on fire")
    source = make_ticket(bob, "Printer on fire again")
    services.ticket_merge(ticket=source, into=target.pk, actor=agent)

    log_in_to(bob.email, PASSWORD)
    page.goto(source.get_absolute_url())
    pointer = page.locator("[data-merged-into]")
    expect(pointer).to_contain_text(f"This ticket was merged into #{target.pk} Printer on fire")
    pointer.get_by_role("link").click()

    page.wait_for_url(f"**/tickets/{target.pk}/")
    expect(page.locator("[data-merged-from]")).to_contain_text(
        f"#{source.pk} Printer on fire again was merged into this ticket."
    )
