"""The benchmark report as PDF: read back with pypdf, figures computed by hand.

The pool: eight outside organisations ("Rivalcluster 0..7") at the excellence value on every
indicator except STR-01 (committed participants, threshold 80), where they have
10, 20, 30, 40, 50, 60, 70 and 90; our organisation has 65.

By hand (NumPy's linear quantiles, position (n - 1) * p over the 8 sorted values):
median = (40 + 50) / 2 = 45, q1 = 20 + 0.75 * 10 = 27.5, q3 = 60 + 0.25 * 10 = 62.5;
percentile rank of 65 = 100 * 6 worse / 8 = 75; gap = 80 - 65 = 15. With 8 values there are
no whiskers (p10/p90 need 10).
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader
from reportlab.graphics.shapes import Line, Polygon, Rect, String
from reportlab.lib.units import mm

from clusterlabel.benchmarks.models import ReferenceSource
from clusterlabel.benchmarks.pdf import report_pdf, report_pdf_filename
from clusterlabel.benchmarks.pdf_charts import CHART_LABEL_WIDTH, score_chart
from clusterlabel.benchmarks.pdf_style import WIDTH
from clusterlabel.benchmarks.reports import DASH, ScoreRow, benchmark_report
from clusterlabel.domain.benchmark import Distribution
from tests.benchmarks.pool_factories import external_pool, own_entry, record
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

TODAY = date(2025, 9, 15)
OTHERS = [10, 20, 30, 40, 50, 60, 70, 90]
RIVAL = "Rivalcluster"


def _own(organisation, value, *, assessed_on=date(2025, 6, 1), sector="biotechnology"):
    return own_entry(organisation, value, day=assessed_on, sector=sector, country="DE")


def _pool(numbers=OTHERS, **options):
    options.setdefault("prefix", RIVAL)
    return external_pool(numbers, indicator_id="STR-01", **options)


def _text(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), reader


def _render(organisation, lang, peer_group="all"):
    with translation.override(lang):
        report = benchmark_report(organisation, "ecei-bronze", peer_group=peer_group, today=TODAY)
        assert report is not None
        text, reader = _text(report_pdf(report, today=TODAY))
        return report, text, reader


@pytest.fixture
def organisation():
    organisation = OrganisationFactory(
        cluster_name="Cluster Südwest Biotech", legal_name="Südwest Biotech Netzwerk e. V."
    )
    record([*_pool(), _own(organisation, 65)])
    return organisation


def test_the_german_pdf_shows_the_hand_computed_figures_with_decimal_commas(organisation):
    report, text, reader = _render(organisation, "de")
    assert "Cluster Südwest Biotech" in text and "Südwest Biotech Netzwerk e. V." in text
    # Wording from the scheme, Django and the catalogue in German.
    for german in (
        "ECEI-Label Bronze, ",
        "2026.2",
        "1. Juni 2025",  # the assessment compared
        "15. September 2025",  # the date of the report
        "Struktur des Clusters",
        "Engagierte Clusterakteure",
        "Exzellenzwert",
        f"Seite 1 von {len(reader.pages)}",
    ):
        assert german in text, german
    for msgid in ("Benchmarking report", "Scores by area", "Indicators", "Recommendations"):
        assert gettext(msgid) in text
    # STR-01's row: value, excellence value, gap, not met, rank 75, median 45, q1 - q3.
    assert (
        f"STR-01 Engagierte Clusterakteure 65 Akteure 80 15 nein 75 45 27,5 {DASH} 62,5"
    ) in text
    assert "27.5" not in text and "62.5" not in text
    # STR-02 (a percentage): met, and the whole group at the same value, so everybody ties:
    # rank 50, and the middle half is that one value.
    assert "STR-02 Anteil kleiner und mittlerer Unternehmen 60 %" in text
    assert "ja 50 60 60 STR-03" in text
    # The one recommendation is STR-01, with its help text.
    assert len(report.recommendations) == 1
    assert "1. Engagierte Clusterakteure (Struktur des Clusters) Zahl der Organisationen" in text


def test_the_english_pdf_says_the_same_in_english(organisation):
    _report, text, reader = _render(organisation, "en")
    for english in (
        "Benchmarking report",
        "ECEI Bronze Label, version 2026.2",
        "Assessment compared 1 June 2025",
        "Date of the report 15 September 2025",
        "All organisations, 8 other organisations",
        "Scores by area",
        "Structure of the cluster",
        "How to read this report",
        f"Page 1 of {len(reader.pages)}",
        "10th and the 90th percentile, not at the lowest and the highest value",
        "no figure is shown over fewer than 5 other organisations",
    ):
        assert english in text, english
    assert (
        f"STR-01 Committed cluster participants 65 participants 80 15 no 75 45 27.5 {DASH} 62.5"
    ) in text
    # Recommendation: points at stake 1 (65 earns 2 of STR-01's 3 points), value, threshold.
    assert (
        "1. Committed cluster participants (Structure of the cluster) Number of organisations "
        "(companies, research and education institutions"
    ) in text
    assert "checked by sample. 1 65 participants 80 participants" in text
    # A choice is shown as its level, the choices' names once under the row.
    assert (
        f"MGT-05 Governing body with participant representation level 3 level 3 {DASH} yes 50 "
        "level 3 level 3 Levels: 1 = No body; the cluster management or its host organisation "
        "decides alone; 2 = Advisory circle"
    ) in text


def test_a_36_indicator_report_is_a_valid_pdf_of_several_pages(organisation):
    with translation.override("de"):
        report = benchmark_report(organisation, "ecei-bronze", today=TODAY)
        pdf = report_pdf(report, today=TODAY)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) > 1
    assert sum(len(block.indicators) for block in report.categories) == 36
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for block in report.categories:
        for row in block.indicators:
            assert f"{row.indicator.id} " in text, row.indicator.id
    # Every page carries the header line and its number.
    for number, page in enumerate(reader.pages, start=1):
        page_text = page.extract_text()
        assert "Cluster Südwest Biotech · ECEI-Label Bronze" in page_text
        assert f"Seite {number} von {len(reader.pages)}" in page_text
    assert report_pdf_filename(report) == (
        "benchmark-cluster-sudwest-biotech-ecei-bronze-2025-06-01.pdf"
    )


def test_no_other_organisation_is_named_anywhere_in_the_pdf(organisation):
    with translation.override("en"):
        report = benchmark_report(organisation, "ecei-bronze", today=TODAY)
        pdf = report_pdf(report, today=TODAY)
    reader = PdfReader(BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert RIVAL.lower() not in text.lower()
    assert RIVAL.encode() not in pdf
    assert all(RIVAL not in str(value) for value in (reader.metadata or {}).values())
    # Only the group's quantiles appear, never an individual value such as the leader's 90.
    assert "90 participants" not in text and "10 participants" not in text


def test_a_too_small_peer_group_falls_back_to_all_and_says_so():
    organisation = OrganisationFactory(cluster_name="Cluster Mobil")
    record(
        [
            *_pool([30, 40], sector="automotive_mobility", prefix=f"{RIVAL} A"),
            *_pool([10, 20, 50, 60, 70, 90], prefix=f"{RIVAL} B"),
            _own(organisation, 65, sector="automotive_mobility"),
        ]
    )
    report, text, _reader = _render(organisation, "en", peer_group="sector")
    assert report.domain.fell_back
    assert (
        "“Same sector” has fewer than 5 other organisations, too few to show figures without "
        "revealing anyone's values; the figures compare with all organisations instead."
    ) in text
    assert "Requested group Same sector" in text
    assert "All organisations, 8 other organisations" in text
    assert f"no 75 45 27.5 {DASH} 62.5" in text


def test_a_pool_of_fewer_than_five_others_shows_no_statistics_and_says_why():
    organisation = OrganisationFactory(cluster_name="Cluster Klein")
    record([*_pool([10, 20, 30, 40]), _own(organisation, 65)])
    report, text, _reader = _render(organisation, "en")
    assert report.domain.statistics_withheld is not None
    assert "Not shown: the pool has fewer than 5 other organisations." in text
    # Own figures are there, the group's are not: 25 would be the median of 10, 20, 30, 40.
    assert "STR-01 Committed cluster participants 65 participants 80" in text
    assert "25 participants" not in text
    assert f"Comparison group {DASH}" in text
    assert "other organisations (" not in text
    # The chart's key names only what is drawn: the own score, no group symbols.
    assert "your score" in text and "middle half (25th" not in text


def test_an_indicator_too_few_others_answered_is_withheld_on_its_own_row():
    organisation = OrganisationFactory(cluster_name="Cluster Lücke")
    record([*_pool([10, 20, 30, 40, None, None, None, None]), _own(organisation, 65)])
    report, text, _reader = _render(organisation, "en")
    assert report.domain.group_size == 8 and not report.withheld_text
    assert (
        "STR-01 Committed cluster participants 65 participants 80 15 "
        "no Not shown: fewer than 5 other organisations of the group have a value."
    ) in text
    # The next indicator, answered by all 8, has its figures.
    assert "STR-02 Share of SMEs among the companies 60 %" in text


def test_synthetic_organisations_in_the_pool_are_announced():
    organisation = OrganisationFactory(cluster_name="Cluster Demo")
    record([*_pool(source=ReferenceSource.SYNTHETIC), _own(organisation, 65)])
    _report, text, _reader = _render(organisation, "en")
    assert "The pool contains 8 synthetic organisations generated for the demonstration." in text


def test_no_synthetic_notice_for_a_real_pool(organisation):
    _report, text, _reader = _render(organisation, "en")
    assert "synthetic" not in text
    assert "your score" in text and "middle half (25th to 75th percentile)" in text


def test_the_chart_draws_the_group_and_the_own_score_on_a_0_to_100_scale():
    distribution = Distribution(n=12, p10=20.0, q1=40.0, median=50.0, q3=60.0, p90=80.0)
    row = ScoreRow(
        key="structure",
        name="Structure",
        score=70.0,
        score_text="70 %",
        percentile_rank=80.0,
        rank_text="80",
        distribution=distribution,
        distribution_text=None,
        withheld="",
    )
    with translation.override("en"):
        drawing = score_chart([row])
    left, right = CHART_LABEL_WIDTH + 3 * mm, WIDTH - 5 * mm

    def percent(x):
        return round((x - left) / (right - left) * 100, 6)

    box = next(shape for shape in drawing.contents if isinstance(shape, Rect) and shape.width < 200)
    assert (percent(box.x), percent(box.x + box.width)) == (40, 60)
    lines = [shape for shape in drawing.contents if isinstance(shape, Line)]
    whisker = next(line for line in lines if line.y1 == line.y2 and line.x1 > left)
    assert (percent(whisker.x1), percent(whisker.x2)) == (20, 80)
    median = max(lines, key=lambda line: line.strokeWidth)
    assert percent(median.x1) == 50
    (diamond,) = [shape for shape in drawing.contents if isinstance(shape, Polygon)]
    assert percent(diamond.points[0]) == 70
    labels = [shape.text for shape in drawing.contents if isinstance(shape, String)]
    assert "Structure" in labels and "0 %" in labels and "100 %" in labels


def test_the_cycle_section_compares_with_the_previous_assessment(organisation):
    _report, text, _reader = _render(organisation, "en")
    assert "Change since the previous assessment" not in text

    record([_own(organisation, 40, assessed_on=date(2023, 5, 10))])
    report, text, _reader = _render(organisation, "en")
    assert report.cycle is not None
    assert "Change since the previous assessment" in text
    assert "Previous assessment: 10 May 2023. This assessment: 1 June 2025." in text
    assert "Indicators: 1 improved, 35 unchanged, 0 declined." in text
    assert "Committed cluster participants 40 participants 65 participants improved" in text
    # Only STR-01 moved (40 -> 65: 1 -> 2 of its 3 points), so only "structure" improved;
    # ECEI Silver (in this pool) asks for 3 improved areas.
    assert report.cycle.improved_categories == 1 and report.cycle.silver_minimum == 3
    assert "Improved in 1 of 6 areas. The Silver label requires at least 3 improved areas." in text
    assert "Structure of the cluster 88.8 % 94.4 % improved"  # 8/9 and 17/18, rounded down in text
