"""The request type of views behind ``login_required``.

Django types ``request.user`` as ``User | AnonymousUser``; once ``login_required`` has let a
request through, it is the project's ``User``. Annotating such a view's request as
``AuthenticatedHttpRequest`` says so once, instead of narrowing in every view. A leaf module: the
user model is imported for the type checker only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest

if TYPE_CHECKING:
    from clusterlabel.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """An ``HttpRequest`` whose user has logged in (an annotation; Django builds the request)."""

    user: User


def authenticated(request: HttpRequest) -> AuthenticatedHttpRequest:
    """``request`` in a method Django calls only for a logged-in user (the admin site's, which
    lets only active staff in) but whose signature it fixes as ``HttpRequest``."""
    return cast(AuthenticatedHttpRequest, request)
