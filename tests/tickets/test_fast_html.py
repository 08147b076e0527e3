"""The queue's cells are built with ``tickets.html.fast_html``: it must escape
exactly as Django's ``format_html`` does, so a hostile subject or name is as
harmless in the queue as anywhere else."""

import html
import re

import pytest
from django import forms
from django.template import Context, Template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from accounts.models import User
from tickets.html import FastSelect, fast_html, options

HOSTILE = [
    '<script>alert("x")</script>',
    "O'Brien & Sons <b>",
    '" onmouseover="alert(1)',
    "{{ settings.SECRET_KEY }} {% debug %}",
    "plain",
    42,
]


@pytest.mark.parametrize("value", HOSTILE)
def test_fast_html_escapes_as_format_html_does(value):
    template = '<td title="{}">{}</td>'
    assert fast_html(template, value, value) == format_html(template, value, value)
    assert isinstance(fast_html(template, value, value), SafeString)


def test_safe_markup_and_lazy_text_pass_as_format_html_passes_them():
    badge = mark_safe('<span class="badge">Open</span>')
    label = gettext_lazy("Assignee")
    assert fast_html("<td data-label='{}'>{}</td>", label, badge) == format_html(
        "<td data-label='{}'>{}</td>", label, badge
    )


def test_menu_options_escape_names_and_mark_the_chosen_one():
    html = options([(1, "Ann <admin>"), (2, 'Bob "the" Builder')], selected="2")
    assert html == (
        '<option value="1">Ann &lt;admin&gt;</option>'
        '<option value="2" selected>Bob &quot;the&quot; Builder</option>'
    )


@pytest.mark.django_db
def test_the_options_tag_escapes_names_marks_the_chosen_one_and_skips_the_excluded():
    hostile = _agent("eve@example.com", '<b onmouseover="x">Eve</b> & co')
    plain = _agent("ann@example.com", "Ann")
    gone = _agent("zed@example.com", "Zed")
    menu = Template("{% load helpdesk %}{% options people selected=chosen exclude=skip %}").render(
        Context({"people": [hostile, plain, gone], "chosen": str(plain.pk), "skip": {gone.pk}})
    )

    assert "<b" not in menu
    assert "&lt;b onmouseover=&quot;x&quot;&gt;Eve&lt;/b&gt; &amp; co" in menu
    assert f'<option value="{plain.pk}" selected>Ann</option>' in menu
    assert f'<option value="{hostile.pk}">' in menu
    assert "Zed" not in menu


def _agent(email: str, name: str) -> User:
    return User.objects.create_user(email=email, password="x", full_name=name, role="agent")


@pytest.mark.parametrize("chosen", [None, "", "2", "9"])
def test_the_fast_select_offers_what_django_s_select_offers(chosen):
    choices = [("", "All"), (1, '<script>alert("x")</script>'), (2, "O'Brien & Sons")]
    attrs = {"id": "id_org", "aria-invalid": "true", "required": True, "disabled": False}
    ours = FastSelect(choices=choices).render("org", chosen, attrs)
    django_s = forms.Select(choices=choices).render("org", chosen, attrs)
    assert _menu(ours) == _menu(django_s)
    assert "<script>" not in ours


def _menu(markup: str) -> tuple:
    """What a browser reads of a <select>: its attributes and each option's
    value, whether it is selected, and its text."""
    select = re.search(r"<select([^>]*)>", markup).group(1)
    attributes = sorted(re.findall(r'([\w-]+)(?:="([^"]*)")?', select))
    found = [
        (value, bool(selected), html.unescape(text))
        for value, selected, text in re.findall(
            r'<option value="([^"]*)"( selected)?>(.*?)</option>', markup, re.S
        )
    ]
    return attributes, found
