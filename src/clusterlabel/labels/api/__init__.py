"""The public, read-only REST API of the registry (``/api/v1/``): labels, a holder's public
profile with its label history, and the statistics. See :mod:`.views`."""
