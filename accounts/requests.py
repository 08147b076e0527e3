"""Requests whose user is known to be signed in, for the type checker.

Views behind ``login_required`` (pages) or DRF's ``IsAuthenticated`` (the
API, its default permission) only ever see one of our users, never the
anonymous one: annotating their ``request`` with these says so, so that
services typed for a ``User`` accept ``request.user`` as it is. They change
nothing at run time (django-stubs' documented pattern).
"""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


class AuthenticatedRequest(Request):
    user: User
