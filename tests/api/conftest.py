import pytest
from rest_framework.test import APIClient

from accounts.tokens import token_create


@pytest.fixture
def api():
    """An API client speaking with ``user``'s personal token, as a script would."""

    def as_user(user) -> APIClient:
        _, key = token_create(user=user, name="tests")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return as_user
