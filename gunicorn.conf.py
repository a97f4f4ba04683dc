"""gunicorn settings every run picks up (gunicorn reads ./gunicorn.conf.py from its working directory):
the image's web service, `make loadtest` and the fault tests. Workers, threads and timeouts stay on the
command line (Dockerfile, docker-compose.yml); this file only tunes the worker processes.

Python's garbage collector: a Django request allocates tens of thousands of short-lived objects, and
with the default thresholds (700, 10, 10) the youngest generation is collected every few hundred of
them, each collection also walking the long-lived objects promoted since. Once a worker has loaded the
application, its objects (modules, settings, URL patterns, templates, the analysis models' Python
objects) are frozen out of collection, and the youngest generation is collected every 50,000
allocations. Measured in `make loadtest` (docs/scaling.md): about 6 % less CPU a comment post.
"""

import gc

GC_THRESHOLDS = (50_000, 20, 100)


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
