"""Two label writes at once both end up in the stored status list: the data generation's row
lock makes the second write sign after the first committed (PostgreSQL only: SQLite writes one
transaction at a time anyway)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from clusterlabel.labels.certificates import credentials
from clusterlabel.labels.changes import Change, labels_changed
from clusterlabel.labels.models import Label, StoredStatusList
from tests.labels.caching.test_status_lists import _is_set
from tests.labels.label_factories import make_label


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a real concurrent database")
@pytest.mark.django_db(transaction=True)
def test_two_state_changes_at_once_are_both_in_the_revocation_list():
    from clusterlabel.schemes.services import SHIPPED_DIR, scheme_versions_load_directory

    scheme_versions_load_directory(directory=SHIPPED_DIR)
    first, second = make_label(), make_label()
    both_written = threading.Barrier(2)
    errors: list[BaseException] = []

    def revoke(label) -> None:
        # A write as a service makes it, without the audit chain's lock (which serialises
        # the services' writes already): the row first, then labels_changed().
        try:
            with transaction.atomic():
                Label.objects.filter(pk=label.pk).update(state="revoked")
                both_written.wait(timeout=20)  # both rows written, uncommitted
                labels_changed(Change.STATE)
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=revoke, args=(label,)) for label in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    # The platform's list (credentials from before issuers) and the labels' issuer's list.
    issuer = credentials.issuer_of(first).key
    for key in ("", issuer):
        stored = StoredStatusList.objects.get(issuer=key, purpose="revocation")
        assert _is_set(stored.token, first.status_list_index)
        assert _is_set(stored.token, second.status_list_index)
