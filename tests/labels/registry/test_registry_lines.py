"""The registry page's lines are written by the presenter (links, dates and places in the
page's language), not by template tags per cell: what a visitor sees stays the same."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from clusterlabel.labels.presenters.registry import registry_lines
from clusterlabel.labels.registry.queries import RegistryRow
from tests.factories import OrganisationFactory
from tests.helpers import hrefs

from .test_registry import make_label, registry


def row(**changes) -> RegistryRow:
    values = {
        "certificate_number": "ECEI-G-2016-00007",
        "organisation_id": 42,
        "legal_name": "Cluster Süd e. V.",
        "cluster_name": "Süd",
        "country": "DE",
        "region": "DE-BY",
        "city": "München",
        "sector": "ict",
        "label_name": "ECEI Gold Label",
        "valid_from": date(2016, 1, 15),
        "valid_until": date(2018, 1, 14),
        "status": "expired",
        "is_renewal": False,
    }
    return RegistryRow(**(values | changes))


def test_a_line_holds_the_links_and_the_words_in_the_pages_language():
    with translation.override("de"):
        (line,) = registry_lines([row()])
        assert line.holder_url == reverse("labels:holder", args=[42])
        assert line.verify_url == reverse("labels:verify", args=["ECEI-G-2016-00007"])
        assert (line.valid_from_text, line.valid_until_text) == ("15.01.2016", "14.01.2018")
        assert (line.country_name, line.region_name) == ("Deutschland", "Bayern")
    with translation.override("en"):
        (line,) = registry_lines([row()])
        assert (line.country_name, line.region_name) == ("Germany", "Bavaria")
        assert line.valid_from_text != "15.01.2016"  # English writes the day its own way


def test_a_line_without_a_region_names_none():
    (line,) = registry_lines([row(region="")])
    assert line.region_name == ""


@pytest.mark.django_db
def test_the_page_links_each_label_and_its_holder(client, loaded_schemes):
    organisation = OrganisationFactory(country="AT", region="")
    label = make_label(organisation, "ecei-gold", date(2020, 3, 1), versions=loaded_schemes)
    links = hrefs(registry(client))
    assert reverse("labels:holder", args=[organisation.pk]) in links
    assert reverse("labels:verify", args=[label.certificate_number]) in links


# The rows as the page's template wrote them, a tag per cell, before the presenter wrote them
# (``LINE_HTML``): the same markup, every value escaped the same way.
TEMPLATE_ROWS = """{% load i18n %}{% translate "renewal" as renewal %}{% for row in rows %}<tr>
      <th scope="row"><a href="{{ row.holder_url }}">{{ row.legal_name }}</a></th>
      <td>{{ row.cluster_name }}</td>
      <td>{{ row.country_name }}{% if row.region_name %} · {{ row.region_name }}{% endif %}{% if row.city %}<br><span class="meta">{{ row.city }}</span>{% endif %}</td>
      <td>{{ row.sector_name }}</td>
      <td>{{ row.label_name }}{% if row.is_renewal %} <span class="meta">({{ renewal }})</span>{% endif %}</td>
      <td class="nowrap"><a href="{{ row.verify_url }}">{{ row.certificate_number }}</a></td>
      <td>{{ row.valid_from_text }}</td>
      <td>{{ row.valid_until_text }}</td>
      <td><span class="label-status label-status-{{ row.status }}">{{ row.status_label }}</span></td>
    </tr>
{% endfor %}"""  # noqa: E501 - the template's own lines


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_written_rows_are_the_templates_rows_with_every_value_escaped(language):
    from django.template import Context, Template

    from clusterlabel.labels.presenters.registry import registry_lines_html

    rows = [
        row(),
        row(
            certificate_number='X&"<1>',
            legal_name='<script>alert("x")</script> & Söhne',
            cluster_name="O'Brien & Partner",
            region="",
            city="",
            is_renewal=True,
            status="valid",
            label_name="<b>Gold</b>",
        ),
        row(region="DE-BW", city="<Ulm>", status="revoked", is_renewal=True),
    ]
    with translation.override(language):
        lines = registry_lines(rows)
        written = registry_lines_html(lines)
        expected = Template(TEMPLATE_ROWS).render(Context({"rows": lines}))
    assert str(written) == expected
    assert "<script>" not in written and "&lt;script&gt;" in written
    assert "&lt;Ulm&gt;" in written and "X&amp;&quot;&lt;1&gt;" in written
    assert written.count("<tr>") == 3
