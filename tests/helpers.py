"""What many test modules need: a signed-in client, the language of the pages it asks for, and
the rendered HTML read through a parser rather than matched as a string.

Two meanings of "English" are kept apart: ``english_pages(client)`` (or ``login(...,
language="en")``) makes the *client* ask for English pages, as a visitor does with the language
switch; the ``english`` fixture in tests/conftest.py activates English for *code called directly*
by the test (services, commands, forms).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpResponse
from django.test import Client
from django.test.html import Element, RootElement, parse_html
from django.urls import reverse

from clusterlabel.accounts.models import User


def login(client: Client, user: User, *, language: str | None = None) -> Client:
    """``client`` signed in as ``user``; with ``language``, asking for pages in it (without: the
    site's default, German).

    ``force_login`` bypasses the login form, so django-axes (off in tests/settings.py; its backend
    needs a request, which ``Client.login`` does not pass) counts nothing, and the session is
    like one after a completed login. The second factor is off in tests/settings.py; the tests
    that switch it on verify through its page (tests/accounts/test_second_factor.py).
    """
    client.force_login(user)
    if language is not None:
        request_language(client, language)
    return client


def request_language(client: Client, language: str) -> Client:
    """The pages ``client`` asks for from now on come in ``language``: it posts to the language
    switch as a visitor does."""
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client


def english_pages(client: Client) -> Client:
    """The pages ``client`` asks for from now on are English (the default language is German)."""
    return request_language(client, "en")


# --- reading HTML ------------------------------------------------------------------------------


def parsed(page: HttpResponse | str) -> Element:
    """The page's (or an HTML fragment's) element tree, as Django's ``assertInHTML`` parses it,
    under a root of its own: ``parse_html`` drops that root when the HTML is one element (a whole
    document, a rendered include), and the readers below would not find that element."""
    html = page if isinstance(page, str) else page.content.decode()
    tree = parse_html(html)
    if isinstance(tree, RootElement):
        return tree
    root = RootElement()
    root.children = [tree]
    return root


def elements(
    page: HttpResponse | str | Element, tag: str | None = None, **attributes: str | bool
) -> list[Element]:
    """Every element of ``page`` named ``tag`` (any when None) whose attributes have the given
    values, in document order. ``class_`` matches one of the element's classes; an attribute
    given as ``True`` only needs to be present (``name_="..."`` for attributes that are Python
    keywords or names with a dash: ``data_role`` means ``data-role``)."""
    root = page if isinstance(page, Element) else parsed(page)
    wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attributes.items()}
    return [element for element in _walk(root) if _matches(element, tag, wanted)]


def element(
    page: HttpResponse | str | Element, tag: str | None = None, **attributes: str | bool
) -> Element:
    """The one element of ``page`` that ``elements`` finds; fails when there is none or several."""
    found = elements(page, tag, **attributes)
    assert len(found) == 1, f"{len(found)} elements <{tag or '*'} {attributes}>"
    return found[0]


def text(node: HttpResponse | str | Element) -> str:
    """The text a reader sees in ``node`` (a page, fragment or element): tags dropped, entities
    decoded, whitespace collapsed to single spaces; the content of ``svg``, ``script`` and
    ``style`` left out."""
    root = node if isinstance(node, Element) else parsed(node)
    return " ".join(" ".join(_texts(root)).split())


def attribute(node: Element, name: str) -> str | None:
    """The value of ``node``'s attribute ``name`` (None when it is missing)."""
    return dict(node.attributes).get(name)


def hrefs(page: HttpResponse | str | Element) -> list[str]:
    """The targets of ``page``'s links (``<a href>``), entities decoded, in document order."""
    return [attribute(link, "href") or "" for link in elements(page, "a", href=True)]


def input_value(page: HttpResponse | str | Element, name: str) -> str | None:
    """The value the form field ``<input name=...>`` shows (None when it has none); fails unless
    there is exactly one such input."""
    return attribute(element(page, "input", name=name), "value")


def _walk(node: Element) -> Iterator[Element]:
    for child in node.children:
        if isinstance(child, Element):
            yield child
            yield from _walk(child)


def _texts(node: Element) -> Iterator[str]:
    for child in node.children:
        if isinstance(child, str):
            yield child
        elif child.name not in ("svg", "script", "style"):
            yield from _texts(child)


def _matches(node: Element, tag: str | None, wanted: dict[str, str | bool]) -> bool:
    if tag is not None and node.name != tag:
        return False
    have = dict(node.attributes)
    for name, value in wanted.items():
        if name not in have:
            return False
        if value is True:
            continue
        if name == "class":
            if str(value) not in (have[name] or "").split():
                return False
        elif have[name] != value:
            return False
    return True


# --- query counts ------------------------------------------------------------------------------


def get_in_queries(
    client: Client, url: str, queries: int, django_assert_num_queries: Callable[..., Any]
) -> HttpResponse:
    """GET ``url`` (once before, to warm the per-process caches: schemes, charts) and assert that
    the page costs exactly ``queries`` queries; pytest-django's fixture is passed in."""
    client.get(url)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    return response


#: The smallest file the evidence upload accepts as a PDF (its magic bytes and a trailer).
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
