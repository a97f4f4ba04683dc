"""A model trained at first use is trained once per machine: processes that need it at the same time (the
workers of a server, or of the test suite, on a new machine) wait for the first one's and load it."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from policycycle.analysis import resources


def _build_slowly(log: str) -> dict:
    with open(log, "a") as f:
        f.write("built\n")
    time.sleep(1.0)
    return {"weights": [1, 2, 3]}


def _load(cache: str, source: str, log: str, out) -> None:
    import os

    os.environ["DHD_MODEL_CACHE"] = cache
    out.put(resources.cached_model("toy-v1", [Path(source)], lambda: _build_slowly(log)))


def test_two_processes_that_need_the_same_model_train_it_once(tmp_path):
    source = tmp_path / "train.csv"
    source.write_text("text,label\n")
    log = tmp_path / "builds.log"
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [
        ctx.Process(target=_load, args=(str(tmp_path / "cache"), str(source), str(log), out))
        for _ in range(2)
    ]
    for p in procs:
        p.start()
    models = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert models == [{"weights": [1, 2, 3]}] * 2
    assert log.read_text() == "built\n"  # the second process loaded the first one's
    assert [p.exitcode for p in procs] == [0, 0]
