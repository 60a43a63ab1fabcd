"""gunicorn settings for dondoc's web servers: `gunicorn --config deploy/gunicorn.conf.py dondoc.wsgi:application`
(dondoc-web.service). Everything comes from the environment, i.e. the unit's EnvironmentFile (dondoc.env.example):

DONDOC_BIND              where gunicorn listens, comma separated (default 127.0.0.1:8000; "unix:/run/dondoc/web.sock"
                         for a socket). nginx on the same host proxies to it; another host's nginx to a private address
WEB_CONCURRENCY          worker processes (default 2 × CPU cores + 1, at most 8)
DONDOC_WEB_THREADS       threads per worker (default 1: sync workers; > 1 switches to gthread)
DONDOC_WEB_TIMEOUT       seconds a request may take before its worker is restarted (default 120: the province's
                         aggregate report as DOCX/PDF takes seconds; plan and dossier imports run in the job queue)
DONDOC_FORWARDED_ALLOW_IPS  proxies whose X-Forwarded-Proto gunicorn trusts for wsgi.url_scheme (default the local
                         host); Django itself reads the header through SECURE_PROXY_SSL_HEADER (settings_production)
LOG_LEVEL                gunicorn's log level (default info); access and error logs go to the journal
"""

from __future__ import annotations

import multiprocessing
import os

bind = [b.strip() for b in os.environ.get("DONDOC_BIND", "127.0.0.1:8000").split(",") if b.strip()]
workers = int(os.environ.get("WEB_CONCURRENCY", str(min(2 * multiprocessing.cpu_count() + 1, 8))))
threads = int(os.environ.get("DONDOC_WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("DONDOC_WEB_TIMEOUT", "120"))
graceful_timeout = 30  # SIGTERM (systemctl stop/restart): requests in flight get this long to finish
keepalive = 5
# A worker is replaced after this many requests (with jitter, so they do not all restart together): keeps the memory
# of long-running processes that build large XLSX/DOCX files in check.
max_requests = 1000
max_requests_jitter = 100
# The heartbeat file lives in memory, not on a disk that may stall (and PrivateTmp/ProtectSystem allow it).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
forwarded_allow_ips = os.environ.get("DONDOC_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# the client's address as the proxy saw it, then the request, status, size, referrer, agent and time (µs)
access_log_format = '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s'
proc_name = "dondoc-web"
