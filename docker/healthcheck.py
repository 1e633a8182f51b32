"""Container healthchecks, one per role of the image (docker-compose.yml):

    python /app/docker/healthcheck.py            web: GET /healthz on the local gunicorn
    python /app/docker/healthcheck.py worker     the worker of this container answers a ping
    python /app/docker/healthcheck.py beat       beat wrote its schedule file recently

The web check sends X-Forwarded-Proto so SECURE_SSL_REDIRECT does not answer with a redirect, and
Host localhost, which docker-compose.yml always puts in ALLOWED_HOSTS.
"""
import glob
import os
import socket
import subprocess
import sys
import time
import urllib.request

# Beat saves its schedule at least every few minutes while it ticks (tasks are due every minute);
# a file older than this means beat is stuck or gone.
BEAT_STALE_SECONDS = 15 * 60


def web() -> int:
    request = urllib.request.Request(
        "http://127.0.0.1:8000/healthz", headers={"Host": "localhost", "X-Forwarded-Proto": "https"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return 0 if response.status == 200 else 1


def worker() -> int:
    # Only this container's worker: another healthy worker must not make a stuck one look alive.
    node = f"celery@{socket.gethostname()}"
    done = subprocess.run(["celery", "-A", "hazardtrack", "inspect", "ping", "-d", node, "--timeout", "5"],
                          cwd="/app", capture_output=True, text=True, timeout=25)
    print(done.stdout[-500:], done.stderr[-500:], file=sys.stderr)
    return 0 if done.returncode == 0 and "pong" in done.stdout else 1


def beat() -> int:
    var_dir = os.environ.get("HAZARDTRACK_VAR_DIR", "/data/var")
    files = glob.glob(os.path.join(var_dir, "celerybeat-schedule*"))
    if not files:
        print("no beat schedule file yet", file=sys.stderr)
        return 1
    age = time.time() - max(os.path.getmtime(f) for f in files)
    print(f"beat schedule saved {age:.0f} s ago", file=sys.stderr)
    return 0 if age < BEAT_STALE_SECONDS else 1


CHECKS = {"web": web, "worker": worker, "beat": beat}

if __name__ == "__main__":
    role = sys.argv[1] if len(sys.argv) > 1 else "web"
    try:
        sys.exit(CHECKS[role]())
    except Exception as exc:  # any failure means unhealthy
        print(exc, file=sys.stderr)
        sys.exit(1)
