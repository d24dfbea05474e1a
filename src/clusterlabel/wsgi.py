"""WSGI entry point for application servers (gunicorn, uWSGI, mod_wsgi).

Importing it also warms the process up (:func:`warm_up`), so that a worker's first request does
not pay for what Django and the catalogues load lazily.
"""

import contextlib
import logging
import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterlabel.settings")

application = get_wsgi_application()

logger = logging.getLogger(__name__)


def _urls() -> None:
    """Import every app's URLs and views and index their names in every language, as the
    first ``reverse()`` into each namespace would (Django indexes a namespace the first time a
    name in it is reversed)."""
    from django.conf import settings
    from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
    from django.utils import translation

    def index(resolver: URLResolver, namespace: str) -> None:
        for name, (_prefix, included) in resolver.namespace_dict.items():
            names = [key for key in included.reverse_dict if isinstance(key, str)]
            if names:
                with contextlib.suppress(NoReverseMatch):  # its arguments are not known here
                    reverse(f"{namespace}{name}:{names[0]}")
            index(included, f"{namespace}{name}:")

    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            index(get_resolver(), "")


def _templates() -> None:
    """Compile our templates into the template cache, as their first use would."""
    from django.apps import apps
    from django.template import engines

    engine = engines["django"]
    for app in apps.get_app_configs():
        root = Path(app.path) / "templates"
        if app.name.startswith("clusterlabel.") and root.is_dir():
            for path in sorted(root.rglob("*.html")):
                engine.get_template(path.relative_to(root).as_posix())


def _schemes() -> None:
    """Parse the current schemes' catalogues (a few hundred milliseconds each)."""
    from clusterlabel.schemes.models import SchemeVersion

    for version in SchemeVersion.objects.filter(is_current=True):
        version.scheme  # noqa: B018 (parsed once per process and content)


def warm_up() -> None:
    """Do before the first request what it would otherwise do: import every view and index
    the URLs, compile the templates, parse the current catalogues. Measured at a pool of 10,000
    on the shared 2-core machine: a new process's first benchmarking report took 0.6-1.5 s
    without, its next one 30-60 ms. A step that fails (the database not reachable yet) is
    logged and left to the first request; the connection opened here is closed, so that a
    server forking after importing this module (``gunicorn --preload``) shares none."""
    from django.db import connections

    for step in (_urls, _templates, _schemes):
        try:
            step()
        except Exception:
            logger.warning(
                "Warming up (%s) failed: left to the first request", step.__name__, exc_info=True
            )
    connections.close_all()


warm_up()
