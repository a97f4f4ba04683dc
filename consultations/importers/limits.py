"""Parsing an upload in a child process with a time and a memory limit (plain Python, no Django).

A document the importers would take minutes or gigabytes to read (a hostile file, or one the limits on
bytes read did not foresee) must not take the worker with it: the child process gets a CPU-time limit
(RLIMIT_CPU) and may grow by at most `memory_bytes` beyond what it holds when it starts (RLIMIT_AS), and
the parent waits no longer than the time limit and a little more before killing it. The parsed tree
comes back through a pipe; an ImporterError comes back as one.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import resource
import signal
import time

from . import parse
from .tree import ImporterError, ParsedDocument

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _statm(pid: int | str = "self", field: int = 0) -> int:
    """From /proc/<pid>/statm, in bytes: field 0 the address space, 1 the resident memory (0 if gone)."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[field]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _address_space() -> int:
    return _statm()


def _mb(n: int) -> str:
    return f"{n / 1_048_576:.0f} MB"


def _too_long(seconds: float) -> ImporterError:
    return ImporterError(
        f"The document took longer than {seconds:g} second{'s' if seconds != 1 else ''} to read, the"
        " limit for one import: split it into smaller documents, or check that it is the document you"
        " meant to upload",
        "file",
    )


def _too_big(memory_bytes: int) -> ImporterError:
    return ImporterError(
        f"The document needs more than {_mb(memory_bytes)} of memory to read, the limit for one import:"
        " split it into smaller documents, or check that it is the document you meant to upload",
        "file",
    )


def _child(conn, data: bytes, fmt: str | None, filename: str, seconds: float, memory_bytes: int) -> None:
    try:
        if memory_bytes:  # a backstop: the parent watches the resident memory more closely
            grown = _address_space() + 2 * memory_bytes
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            resource.setrlimit(resource.RLIMIT_AS, (grown if hard < 0 else min(grown, hard), hard))
        if seconds:
            _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
            cpu = math.ceil(seconds) + int(resource.getrusage(resource.RUSAGE_SELF).ru_utime)
            resource.setrlimit(resource.RLIMIT_CPU, (cpu if hard < 0 else min(cpu, hard), hard))
        result = ("ok", parse(data, fmt=fmt, filename=filename))
    except ImporterError as exc:
        # libxml2 out of memory: "Memory allocation failed", or an "unknown error" at line 0
        memory = "Memory allocation failed" in exc.message or (
            bool(memory_bytes) and "unknown error" in exc.message and exc.location.startswith("line 0")
        )
        result = ("memory", None) if memory else ("error", (exc.message, exc.location))
    except MemoryError:
        result = ("memory", None)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it as an error
        result = ("crash", f"{type(exc).__name__}: {exc}")
    try:
        conn.send(result)
    except MemoryError:
        conn.send(("memory", None))
    finally:
        conn.close()


def parse_with_limits(
    data: bytes, *, fmt: str | None, filename: str, seconds: float, memory_bytes: int
) -> ParsedDocument:
    """`parse()` in a child process that may use `seconds` of CPU and grow by `memory_bytes`."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(send, data, fmt, filename, seconds, memory_bytes), daemon=True
    )
    process.start()
    send.close()
    try:
        # Watch the child: its resident memory may grow by `memory_bytes` (memory freed in this process
        # before the fork is reused without growing the address space, so RLIMIT_AS alone would let a
        # child that has inherited much free memory go past the limit), and it gets twice its CPU time
        # in wall-clock time (plus 5 s) before it is stopped.
        started = time.monotonic()
        baseline = _statm(process.pid, 1)
        while not receive.poll(0.02):
            if time.monotonic() - started > seconds * 2 + 5:
                raise _too_long(seconds)
            resident = _statm(process.pid, 1)
            if memory_bytes and baseline and resident - baseline > memory_bytes:
                raise _too_big(memory_bytes)
            if not process.is_alive() and not receive.poll(0):
                break
        try:
            kind, payload = receive.recv()
        except EOFError:
            process.join(5)
            if process.exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
                raise _too_long(seconds) from None
            raise _too_big(memory_bytes) from None
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    if kind == "ok":
        return payload
    if kind == "error":
        raise ImporterError(*payload)
    if kind == "memory":
        raise _too_big(memory_bytes)
    raise ImporterError(f"The document could not be read ({payload})", "file")
