"""The public registry of labels: its filters and forms, the tolerant name search, the
listing and open-data exports, and the statistics built on the same queries."""
