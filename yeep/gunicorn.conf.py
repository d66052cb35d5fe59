"""Gunicorn's settings for `make serve` and the compose file's web service, from the
environment: GUNICORN_BIND (127.0.0.1:8000), WEB_CONCURRENCY (worker processes, 3),
GUNICORN_TIMEOUT (seconds a request may take, 120: the PDF of a big report and an upload's
bounded read take tens of seconds). Access and error logs go to standard output/error."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
accesslog = "-"
errorlog = "-"
# one process loads the code once, then forks the workers
preload_app = True
# forget a worker's memory now and then (large workbooks, report builds)
max_requests = 1000
max_requests_jitter = 100
# gunicorn 24+'s control socket is one path per user ($HOME/.gunicorn): off, so that two
# servers on one machine (CI beside a developer's) do not take each other's
control_socket_disable = True


def worker_exit(server, worker):
    """A worker that served its ``max_requests`` leaves at once. Python's own shutdown
    would free every object the worker shares with the master (``preload_app``), copying
    each memory page first: about two seconds of CPU on a busy machine, while the master
    waits to start its replacement and the other workers take all the load. Only in the
    worker itself, and only for that planned restart: any other exit keeps its status."""
    if os.getpid() != worker.pid or worker.nr < worker.max_requests:
        return
    import logging
    import sys

    from django.db import connections

    connections.close_all()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
