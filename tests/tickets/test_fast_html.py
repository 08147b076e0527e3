"""The queue's cells are built with ``tickets.html.fast_html``: it must escape
exactly as Django's ``format_html`` does, so a hostile subject or name is as
harmless in the queue as anywhere else."""

import pytest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from tickets.html import fast_html
from tickets.views.queue_rows import options

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
