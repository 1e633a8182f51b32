#!/bin/sh
# One image, three roles: web (migrate, collectstatic, gunicorn), worker, beat.
# Anything else is run as given, e.g. `docker compose run --rm web python manage.py seed_demo`.
set -eu

case "${1:-web}" in
    web)
        python manage.py migrate --noinput
        # Refresh the shared static volume from this image's files (a reverse proxy may serve it).
        python manage.py collectstatic --noinput --verbosity 0
        # Workers, preload, recycling: docker/gunicorn.conf.py (measured in docs/scaling.md).
        exec gunicorn hazardtrack.wsgi:application --config /app/docker/gunicorn.conf.py
        ;;
    worker)
        exec celery -A hazardtrack worker --loglevel "${LOG_LEVEL:-INFO}" --concurrency "${WORKER_CONCURRENCY:-2}"
        ;;
    beat)
        exec celery -A hazardtrack beat --loglevel "${LOG_LEVEL:-INFO}"
        ;;
    *)
        exec "$@"
        ;;
esac
