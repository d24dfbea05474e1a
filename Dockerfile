# The application image: the web servers (gunicorn), the task worker, the webhook worker, the
# daily jobs and the one-shot migration all run it (compose.yaml). Static files are collected
# at build time and served by the application (whitenoise); uploads go to the object store
# (STORAGE_S3_*), the signing keys to the volume at /var/lib/clusterlabel/keys.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CLUSTERLABEL_DATA_DIR=/var/lib/clusterlabel \
    CLUSTERLABEL_KEYS_DIR=/var/lib/clusterlabel/keys \
    CLUSTERLABEL_STATIC_DIR=/opt/clusterlabel/static \
    WEB_CONCURRENCY=3

# A fixed uid, so that the keys volume belongs to the same user in every container.
RUN groupadd --system --gid 10001 clusterlabel \
    && useradd --system --uid 10001 --gid clusterlabel --home-dir /var/lib/clusterlabel \
        --shell /usr/sbin/nologin clusterlabel

WORKDIR /opt/clusterlabel
COPY pyproject.toml README.md ./
COPY src ./src
# Every dependency comes as a wheel (psycopg[binary], numpy, cryptography, lxml): no compiler.
RUN pip install ".[server,s3]"

# The settings refuse to load without a real-looking key; this one exists only for this step
# and signs nothing (collectstatic reads no data).
RUN SECRET_KEY=collectstatic-at-build-time-only-it-never-signs-anything-0123456789 \
    clusterlabel collectstatic --noinput

COPY deploy/healthcheck.py /usr/local/bin/clusterlabel-healthcheck
COPY deploy/daily.sh /usr/local/bin/clusterlabel-daily
RUN chmod 0755 /usr/local/bin/clusterlabel-healthcheck /usr/local/bin/clusterlabel-daily \
    && mkdir -p /var/lib/clusterlabel/keys \
    && chown -R clusterlabel:clusterlabel /var/lib/clusterlabel \
    && chmod 0700 /var/lib/clusterlabel /var/lib/clusterlabel/keys

USER 10001:10001
EXPOSE 8000

# Readiness (database, cache, storage, signing keys) on this container's own server, with a
# host name of ALLOWED_HOSTS; the worker containers switch it off in compose.yaml.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/usr/local/bin/clusterlabel-healthcheck"]

# Workers: WEB_CONCURRENCY (gunicorn reads it); more options through GUNICORN_CMD_ARGS.
CMD ["gunicorn", "clusterlabel.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
