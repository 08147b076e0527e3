"""French as the second language (issue 20): the catalogue is complete, pages and
emails speak the user's language, and times are in the user's zone."""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.helpers import PASSWORD
from tests.notifications.helpers import deliver, start_clean
from tickets import services
from tickets.models import Status

PO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
ATTRIBUTES = {"title", "aria-label", "placeholder", "data-label"}


@pytest.fixture(autouse=True)
def _english_afterwards():
    """Django's LocaleMiddleware leaves the browser's language active on the
    thread (every request sets its own); later tests here expect English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


class _Text(HTMLParser):
    """What a person reads or hears: text and the labelling attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.parts.extend(value for name, value in attrs if name in ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _readable(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _english_sentences() -> list[str]:
    """Source strings of several words that French writes differently."""
    sentences = []
    for entry in polib.pofile(str(PO)):
        text = entry.msgid
        if entry.msgctxt or "%(" in text or "<" in text or " " not in text:
            continue
        if entry.msgstr != text:
            sentences.append(text)
    return sentences


def test_every_french_entry_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(PO))

    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]

    assert len(catalogue) > 300
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalogue_matches_its_source():
    source = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.pofile(str(PO))}
    compiled = polib.mofile(str(PO.with_suffix(".mo")))

    assert {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in compiled} == source


@pytest.fixture
def french(bob, agent, make_ticket):
    """Bob reads French in Tokyo, the agent French in Paris; one ticket with history."""
    bob.language, bob.time_zone = "fr", "Asia/Tokyo"
    bob.save(update_fields=["language", "time_zone"])
    agent.language, agent.time_zone = "fr", "Europe/Paris"
    agent.save(update_fields=["language", "time_zone"])
    ticket = make_ticket(bob, subject="Imprimante en feu")
    services.ticket_reply(ticket=ticket, author=agent, body="On regarde.", submit_as=None)
    return ticket


def _pages(french, make_ticket, bob):
    solved = make_ticket(bob, subject="Vieux ticket")
    solved.status = Status.CLOSED
    solved.save(update_fields=["status"])
    return {
        "customer": [
            reverse("tickets:list"),
            reverse("tickets:archive"),
            french.get_absolute_url(),
            reverse("tickets:create"),
            reverse("tickets:close", args=[french.number]),
            reverse("profile"),
            reverse("password_change"),
            reverse("two_factor_setup"),
            reverse("get_support"),
            reverse("notifications:list"),
            reverse("notifications:preferences"),
        ],
        "agent": [
            reverse("agent:queue", args=["active"]),
            french.get_absolute_url(),
            reverse("agent:open"),
            reverse("notifications:list"),
        ],
    }


def test_the_main_pages_read_in_french_with_times_in_the_users_zone(
    login, french, bob, agent, make_ticket
):
    pages = _pages(french, make_ticket, bob)
    english = _english_sentences()

    for who, user, offset in (("customer", bob, "+09:00"), ("agent", agent, "+01:00")):
        client = login(user)
        for url in pages[who]:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            text = _readable(html)
            assert '<html lang="fr">' in html, url
            left = [s for s in english if re.search(rf"(?<![\w@.]){re.escape(s)}(?![\w@])", text)]
            assert left == [], (url, left)
            if url == french.get_absolute_url():
                assert offset in html, (url, offset)
                assert "Historique" in text


def test_the_ticket_page_writes_dates_the_french_way(login, french, bob):
    html = login(bob).get(french.get_absolute_url()).content.decode()

    month = french.created_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Tokyo")).month
    french_months = ["janv.", "fév.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept."]
    french_months += ["oct.", "nov.", "déc."]
    assert f" {french_months[month - 1]} " in _readable(html)


@pytest.mark.parametrize(
    "name", ["login", "password_reset", "password_reset_done", "password_reset_complete"]
)
def test_the_pages_before_login_read_in_french(client, name):
    english = _english_sentences()

    html = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    text = _readable(html)
    assert '<html lang="fr">' in html
    assert [s for s in english if re.search(rf"(?<![\w@.]){re.escape(s)}(?![\w@])", text)] == []


def test_an_organisation_admin_reads_the_organisation_page_in_french(login, alice):
    alice.language = "fr"
    alice.save(update_fields=["language"])
    english = _english_sentences()

    text = _readable(login(alice).get(reverse("organization")).content.decode())

    assert "Envoyer l\u2019invitation" in text
    assert [s for s in english if re.search(rf"(?<![\w@.]){re.escape(s)}(?![\w@])", text)] == []


def test_a_visitor_gets_the_browsers_language(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode()

    assert '<html lang="fr">' in html


def test_a_users_choice_beats_the_browsers_language(login, bob):
    bob.language = "en"
    bob.save(update_fields=["language"])

    html = login(bob).get(reverse("tickets:list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert '<html lang="en">' in html
    assert "Create a ticket" in html


def test_a_user_switches_to_french_on_the_profile(login, bob):
    client = login(bob)

    response = client.post(
        reverse("profile_preferences"), {"language": "fr", "time_zone": "Europe/Paris"}
    )
    page = client.get(reverse("profile")).content.decode()

    assert response.status_code == 302
    bob.refresh_from_db()
    assert (bob.language, bob.time_zone) == ("fr", "Europe/Paris")
    assert "Vos préférences sont enregistrées." in page
    assert '<option value="fr" selected>Français</option>' in page


def test_an_unknown_language_is_refused_and_nothing_changes(login, bob):
    response = login(bob).post(
        reverse("profile_preferences"), {"language": "xx", "time_zone": "Europe/Paris"}
    )

    assert response.status_code == 400
    bob.refresh_from_db()
    assert (bob.language, bob.time_zone) == ("", "")


def test_emails_are_written_in_each_recipients_language(alice, bob, agent, make_ticket):
    bob.language = "fr"
    bob.save(update_fields=["language"])
    ticket = make_ticket(bob, subject="Printer on fire")
    start_clean()

    services.ticket_reply(ticket=ticket, author=agent, body="Done.", submit_as=Status.SOLVED)
    deliver()

    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Statut : Résolu" in bodies["bob@acme.example"]
    assert "Status: Solved" in bodies["alice@acme.example"]


# --- What the Python side says (issue 20): messages, refusals, emails, scripts ----


def test_a_french_customer_reads_the_close_confirmation_in_french(login, french, bob):
    response = login(bob).post(reverse("tickets:close", args=[french.number]), follow=True)

    text = _readable(response.content.decode())
    assert f"Le ticket n° {french.number} a été fermé et est passé aux Archives." in text
    assert "was closed and moved to the Archive" not in text


def test_a_french_agent_reads_the_lifecycles_refusal_in_french(login, french, agent):
    french.status = Status.CLOSED
    french.save(update_fields=["status"])

    response = login(agent).post(
        reverse("tickets:status", args=[french.number]), {"action": "solve"}, follow=True
    )

    assert "Vous ne pouvez pas résoudre un ticket fermé." in _readable(response.content.decode())
    french.refresh_from_db()
    assert french.status == Status.CLOSED


def test_a_refused_pin_is_explained_in_french_beside_its_field(login, bob):
    bob.language = "fr"
    bob.save(update_fields=["language"])

    response = login(bob).post(
        reverse("profile"), {"password": PASSWORD, "pin": "4821", "pin_again": "4821"}
    )

    html = response.content.decode()
    assert response.status_code == 400
    error = re.search(r'<div class="error" id="id_pin_error"[^>]*>(.*?)</div>\s*</div>', html, re.S)
    assert error is not None
    assert "Un code PIN a de 6 à 8 chiffres (celui-ci en a 4)." in error.group(1)


def test_pin_emails_are_written_in_the_recipients_language(alice, bob):
    from accounts.pins import pin_reset
    from outbox.models import OutboundEmail

    bob.language = "fr"
    bob.save(update_fields=["language"])

    pin_reset(user=bob)
    pin_reset(user=alice)

    subjects = dict(OutboundEmail.objects.values_list("to", "subject"))
    assert subjects["bob@acme.example"] == "Votre code PIN de support a été réinitialisé"
    assert subjects["alice@acme.example"] == "Your support PIN was reset"
    body = OutboundEmail.objects.get(to="bob@acme.example").body
    assert body.startswith(f"Bonjour {bob.full_name},\n\nLe support a réinitialisé votre code PIN")


def test_the_scripts_words_arrive_translated_in_the_page(login, french, agent):
    queue = login(agent).get(reverse("agent:queue", args=["active"])).content.decode()
    ticket = login(agent).get(french.get_absolute_url()).content.decode()

    assert 'data-i18n-row="Ligne %(n)s sur %(total)s : %(row)s"' in queue
    assert 'data-i18n-selected="%(row)s, sélectionnée"' in queue
    assert 'data-i18n-position-other="Pièce jointe %(n)s sur %(total)s"' in ticket
    assert 'data-i18n-meta="Envoyée le %(date)s · %(size)s"' in ticket


def test_api_refusals_follow_the_requests_language_and_stay_english_by_default(
    api, alice, make_ticket
):
    ticket = make_ticket(alice)
    client = api(alice)
    url = f"/api/v1/tickets/{ticket.pk}/messages/"

    french = client.post(
        url, {"body": "x", "status": "solved"}, format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    english = client.post(url, {"body": "x", "status": "solved"}, format="json")
    empty = client.post(url, {"body": "  "}, format="json", HTTP_ACCEPT_LANGUAGE="fr")

    assert french.json() == {"status": ["Seul le support peut définir ce champ."]}
    assert english.json() == {"status": ["Only support staff can set this."]}
    assert empty.json() == {"body": ["Ce champ ne peut pas être vide."]}
