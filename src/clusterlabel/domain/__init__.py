"""The pure-Python domain core of clusterlabel: no Django, no ORM, no I/O beyond reading files.

Modules:

* :mod:`~clusterlabel.domain.schemes` - scheme files: the model and the validating loader
* :mod:`~clusterlabel.domain.scoring` - points per indicator, category and overall
* :mod:`~clusterlabel.domain.award` - level decisions with every failed rule as a reason
* :mod:`~clusterlabel.domain.eligibility` - who may apply, with every failed criterion
* :mod:`~clusterlabel.domain.validity` and :mod:`~clusterlabel.domain.dates` - validity periods
* :mod:`~clusterlabel.domain.fees` - fee quotes with VAT and subsidies
* :mod:`~clusterlabel.domain.procedure` - the labelling procedure's transition table
* :mod:`~clusterlabel.domain.benchmark` - benchmark statistics over assessed organisations
* :mod:`~clusterlabel.domain.errors` - the errors and problem records they share
"""
