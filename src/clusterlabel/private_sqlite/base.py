"""Django's SQLite backend, except that the database file is created with mode 0600 (and a
missing data directory with 0700) before SQLite opens it.

SQLite creates its journal and WAL files with the database file's mode, so they are private
too. An in-memory database (the test suite's) is left alone.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.sqlite3 import base as sqlite3_base

from clusterlabel.private_files import private_file


class DatabaseWrapper(sqlite3_base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        database = str(conn_params["database"])
        # Django opens SQLite with uri=True; a "file:" name is a URI the operator wrote, left
        # as it is.
        if not self.is_in_memory_db() and not database.startswith("file:"):
            private_file(database)
        return super().get_new_connection(conn_params)
