"""The accessibility check itself: axe-core runs in the page and reports what it should."""

from __future__ import annotations

import pytest

from tests.e2e.axe import assert_accessible, blocking_violations

pytestmark = pytest.mark.e2e


def test_the_check_finds_an_image_without_text_and_a_field_without_label(page):
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<h1>Page</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text">'
        "</main></body></html>"
    )
    found = {violation["id"] for violation in blocking_violations(page)}
    assert {"image-alt", "label"} <= found
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)


def test_the_check_passes_a_page_without_violations(page, accessible):
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<h1>Page</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="A dot">'
        '<label for="name">Name</label><input id="name" type="text">'
        "</main></body></html>"
    )
    accessible(page)
