"""gunicorn for the web role (docker/entrypoint.sh) and the throughput benchmark (bench/cases/throughput.py).

The ledger API is CPU-bound Python (its SQL takes a fraction of the request, docs/scaling.md
"Web tier"), so threads do not help under the GIL and more processes than cores only queue:
sync workers, one per core plus one to cover the moments a worker waits on PostgreSQL.
Measured on the 2-core bench machine with the throughput case (docs/scaling.md).
Every setting can be overridden from the environment."""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "sync"
threads = 1
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Import Django once in the master: workers fork with the URLconf, templates and translations
# loaded (shared pages, faster restarts). Database connections are opened per worker after the
# fork (Django connects lazily), never inherited.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# Recycle a worker now and then (a slow leak never grows unbounded); jitter so they do not all
# restart at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = "*"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
