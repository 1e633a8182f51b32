#!/bin/sh
# One image, three roles: web (migrate, collectstatic, gunicorn), worker, beat.
# Anything else is run as given, e.g. `docker compose run --rm web python manage.py seed_demo`.
set -eu

case "${1:-web}" in
    web)
        python manage.py migrate --noinput
        # Refresh the shared static volume from this image's files (a reverse proxy may serve it).
        python manage.py collectstatic --noinput --verbosity 0
        exec gunicorn hazardtrack.wsgi:application \
            --bind 0.0.0.0:8000 \
            --workers "${WEB_CONCURRENCY:-3}" \
            --timeout "${GUNICORN_TIMEOUT:-60}" \
            --forwarded-allow-ips "*" \
            --access-logfile -
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
