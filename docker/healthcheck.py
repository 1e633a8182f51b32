"""Container healthcheck for the web role: GET /healthz on the local gunicorn.

Sends X-Forwarded-Proto so SECURE_SSL_REDIRECT does not answer with a redirect, and Host
localhost, which docker-compose.yml always puts in ALLOWED_HOSTS.
"""
import sys
import urllib.request

request = urllib.request.Request(
    "http://127.0.0.1:8000/healthz", headers={"Host": "localhost", "X-Forwarded-Proto": "https"}
)
try:
    with urllib.request.urlopen(request, timeout=5) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception as exc:  # any failure means unhealthy
    print(exc, file=sys.stderr)
    sys.exit(1)
