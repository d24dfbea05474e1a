"""The pure-Python domain core of clusterlabel: no Django, no ORM, no I/O beyond reading files.

Modules:

* :mod:`~clusterlabel.domain.schemes` - scheme files: the model, its field types, the
  validating loader and its cross-field and cross-file checks (a package; its namespace is the
  public import path)
* :mod:`~clusterlabel.domain.scoring` - points per indicator, category and overall
* :mod:`~clusterlabel.domain.award` - level decisions with every failed rule as a reason
* :mod:`~clusterlabel.domain.eligibility` - who may apply, with every failed criterion
* :mod:`~clusterlabel.domain.validity` and :mod:`~clusterlabel.domain.dates` - validity periods
* :mod:`~clusterlabel.domain.fees` - fee quotes with VAT and subsidies
* :mod:`~clusterlabel.domain.procedure` - the labelling procedure: its transition table, guards
  and the questions it answers (a package; its namespace is the public import path)
* :mod:`~clusterlabel.domain.benchmark` - benchmark statistics over assessed organisations: the
  pool, column statistics, organisation report, cycle comparison, programme-owner views and the
  mapping from a scheme (a package; its namespace is the public import path)
* :mod:`~clusterlabel.domain.errors` - the errors and problem records they share
"""
