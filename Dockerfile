# erfurt-srp: one image for web (gunicorn), worker and beat (celery).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

# WeasyPrint (PDF export) needs Pango/HarfBuzz and fonts; gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        libfontconfig1 fonts-dejavu-core shared-mime-info gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN pip install -c constraints.txt . \
    && python manage.py compilemessages --ignore=.venv -v 0 \
    && DJANGO_DEBUG=0 SECRET_KEY=collectstatic-only DATABASE_URL=postgres://build@localhost/build \
       REDIS_URL=redis://build:6379/0 python manage.py collectstatic --noinput -v 0 \
    && useradd --system --uid 10001 --home-dir /app srp \
    && mkdir -p /data/media && chown -R srp /data

USER srp
# Port 8000 is for the TLS proxy on the compose network only (docker-compose.yml); do not publish it.
EXPOSE 8000
# WEB_CONCURRENCY sets the number of gunicorn workers (default 3).
CMD ["gunicorn", "erfurt_srp.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "60"]
