"""What the public pages show of an organisation changed: ``published_changed`` runs, inside the
change's transaction, when an organisation's profile changes (names, place, sector) or the
secretariat confirms it (a holder's labels become public). The labels app, above this one,
subscribes: its public pages (registry, holder, verification page, credential, badge) show
holders' names and places and are cached by a data generation that must move with them
(``clusterlabel.labels.changes``)."""

from __future__ import annotations

from clusterlabel.core.hooks import Hook
from clusterlabel.organisations.models import Organisation

published_changed: Hook[Organisation] = Hook()
