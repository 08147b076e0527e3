"""The ticket list's documented parameters are the ones its filter set reads."""

from tickets.api.filters import ApiTicketFilter, TicketListParameters


def test_the_schema_documents_exactly_the_list_parameters_read():
    documented = list(TicketListParameters().fields)

    read = list(ApiTicketFilter.base_filters)

    assert documented == read
