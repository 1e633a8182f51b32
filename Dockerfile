# hazardtrack production image: gunicorn for the web, the same image runs the Celery worker and beat.
#   docker compose up --build        (see docker-compose.yml and README.md)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=0 \
    HAZARDTRACK_VAR_DIR=/data/var \
    MEDIA_ROOT=/data/media \
    STATIC_ROOT=/app/staticfiles

# Noto CJK: Chinese text in generated PDFs and images; Pango: WeasyPrint lays out the PDFs.
# curl-free healthchecks use python.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --home-dir /home/app --uid 10001 app

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Message catalogs with dev.py's own msgfmt (no gettext needed); static files with a
# throw-away key: the real SECRET_KEY is only given at run time.
RUN python dev.py messages \
    && SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput \
    && mkdir -p /data/var /data/media \
    && chown -R app:app /data /app/staticfiles

USER app
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
