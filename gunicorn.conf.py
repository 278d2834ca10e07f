"""gunicorn for a real school: `make serve`, or deploy/nastavnik.service (`gunicorn -c gunicorn.conf.py wsgi:app`).

Every value can be changed from the environment without editing this file:

    BIND              where to listen (default 127.0.0.1:8000: only nginx on the same machine reaches it)
    WEB_CONCURRENCY   worker processes (default: 2 per CPU core + 1, at most 9)
    GUNICORN_THREADS  threads per worker (default 4)
    TRUSTED_PROXIES   the proxy's addresses, comma-separated (default 127.0.0.1): both gunicorn and the
                      portal believe X-Forwarded-* from them alone
    GUNICORN_TIMEOUT  seconds a request may take before its worker is restarted (default 60: a PDF)
"""
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 9))
# Threads: a worker waiting on the database or a PDF still answers other requests.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after so many requests (with jitter, so not all at once): no slow leak lives long.
max_requests = 2000
max_requests_jitter = 200

# Only the proxy: X-Forwarded-Proto from anyone else does not make a request HTTPS. The portal reads the
# same variable (config.TRUSTED_PROXIES) for X-Forwarded-For and -Host, so its workers get it too.
os.environ.setdefault("TRUSTED_PROXIES", "127.0.0.1")
forwarded_allow_ips = os.environ["TRUSTED_PROXIES"]

# Logs to stdout/stderr (systemd's journal): one line per request. The address is the client's: the portal
# takes it from the trusted proxy's X-Forwarded-For before gunicorn writes the line.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'

# No control socket in $HOME: the service runs as a user without one.
control_socket_disable = True


def post_fork(server, worker):
    """Tell the portal in each worker that it serves for real and how many processes share the load
    (portal.config PRODUCTION, WORKERS: the warnings about unsafe settings)."""
    os.environ["PORTAL_WORKERS"] = str(server.cfg.workers)
