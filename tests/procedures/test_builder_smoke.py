"""The happy path of each shipped scheme reaches the award through the real services."""

import pytest

from clusterlabel.procedures.choices import ProcedureState
from tests.procedures.builders import ProcedureBuilder

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("scheme_id", ["bw-cluster-excellence", "ecei-gold", "ecei-bronze"])
def test_happy_path_reaches_award(scheme_id):
    builder = ProcedureBuilder(scheme_id=scheme_id)
    procedure = builder.advance_to(ProcedureState.AWARDED)
    assert procedure.decision == "award"
    assert procedure.result["awarded"] is True
    assert procedure.result["percent"] == "100"
