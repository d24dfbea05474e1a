"""Django's SQLite backend, with database files only their owner may read (see ``base``)."""
