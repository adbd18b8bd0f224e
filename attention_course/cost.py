"""Chapter 10's measurements: how much memory and time attention takes as the sequence grows.

Measuring is not the lesson's maths (that is written out in the chapter); these helpers make the
measurements repeatable. Memory is measured with ``tracemalloc`` (the bytes NumPy allocates): it is
deterministic — the same code on the same inputs allocates the same arrays, whatever else the machine
is doing — so the tests assert on it. Time is measured on the wall clock (a fixed seed, the best of
several repeats); it depends on the machine and its load, so it is only shown (in the chapter's
ignored-output cells and by ``python -m attention_course.cost``), never asserted. Timings run NumPy's
linear algebra on one thread (``one_blas_thread``): a second core that joins in at some sizes only, or
is busy with another program, would otherwise bend the curve more than the n² does.
"""
import contextlib
import ctypes
import glob
import os
import time
import tracemalloc

import numpy as np

from .reference import scaled_dot_product_attention


def _openblas_libraries():
    """Paths of the OpenBLAS libraries NumPy may have loaded: the one its wheels bundle (numpy.libs/ on
    Linux and Windows, numpy/.dylibs/ on macOS), then, on Linux, any OpenBLAS mapped into this process."""
    here = os.path.dirname(np.__file__)
    paths = [p for pattern in ("../numpy.libs/*openblas*", ".dylibs/*openblas*")
             for p in sorted(glob.glob(os.path.join(here, pattern)))]
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths += sorted({line.split()[-1] for line in maps if "openblas" in line.rsplit("/", 1)[-1].lower()})
    except OSError:
        pass
    return list(dict.fromkeys(os.path.realpath(p) for p in paths))


def _blas_thread_functions():
    """(get, set) of OpenBLAS's number of threads, or None if NumPy uses another library (MKL,
    Accelerate) or none was found. Loading an already loaded library returns the same one."""
    for path in _openblas_libraries():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", ""):
                get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                set_ = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if get is not None and set_ is not None:
                    get.restype, get.argtypes, set_.argtypes = ctypes.c_int, [], [ctypes.c_int]
                    return get, set_
    return None


def blas_threads():
    """How many threads NumPy's linear algebra (OpenBLAS) may use now, or None if that cannot be told."""
    functions = _blas_thread_functions()
    return None if functions is None else functions[0]()


@contextlib.contextmanager
def one_blas_thread():
    """Inside the ``with`` block, NumPy's matrix products run on one thread; afterwards as before.

    Yields True if that was done, False if NumPy's library offers no way to (nothing changes then).
    Timings use it so that they measure the work, not how many cores happened to be free."""
    functions = _blas_thread_functions()
    if functions is None:
        yield False
        return
    get, set_ = functions
    before = get()
    set_(1)
    try:
        yield True
    finally:
        set_(before)


def best_time(fn, repeats=3):
    """The shortest of ``repeats`` wall-clock timings of fn() in seconds (the least disturbed run), with
    NumPy's linear algebra on one thread."""
    best = float("inf")
    with one_blas_thread():
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
    return best


def random_qkv(n, d=64, seed=10):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.normal(size=(n, d)), rng.normal(size=(n, d))


def time_attention(ns, d=64, repeats=3, seed=10, attention=scaled_dot_product_attention):
    """Seconds for attention(Q, K, V) on random (n, d) inputs, for each n: the best of ``repeats`` runs.

    The repeats are interleaved (all sizes once, then all sizes again, ...), so that a busy moment of
    the machine does not land on one size only and bend the fitted exponent. One thread, as in best_time."""
    inputs = [random_qkv(n, d, seed) for n in ns]
    best = np.full(len(ns), np.inf)
    with one_blas_thread():
        for _ in range(repeats):
            for i, (Q, K, V) in enumerate(inputs):
                best[i] = min(best[i], best_time(lambda: attention(Q, K, V), 1))
    return best


def peak_bytes(fn):
    """The peak number of bytes allocated (and traced by ``tracemalloc``) while fn() runs, above what was
    allocated when it started. NumPy reports its array buffers to tracemalloc, so this counts the arrays
    fn creates; it does not depend on timing or on other processes."""
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return peak - start


def attention_peak_bytes(ns, d=64, seed=10, attention=scaled_dot_product_attention):
    """Peak bytes allocated by attention(Q, K, V) on random (n, d) inputs, for each n (the inputs are made
    before the measurement starts, so only what attention itself allocates counts)."""
    Q, K, V = random_qkv(8, d, seed)
    attention(Q, K, V)  # a first call may allocate once-only objects (caches, dispatch tables): not the cost
    peaks = []
    for n in ns:
        Q, K, V = random_qkv(n, d, seed)
        peaks.append(peak_bytes(lambda: attention(Q, K, V)))
    return np.array(peaks)


if __name__ == "__main__":  # a small benchmark: python -m attention_course.cost
    from .reference import fit_exponent

    ns = np.array([128, 256, 512, 1024, 2048, 4096])
    times = time_attention(ns, d=64, repeats=5)
    peaks = attention_peak_bytes(ns)
    for n, t, b in zip(ns, times, peaks):
        print(f"n = {n:>5}: {t * 1000:8.2f} ms   peak {b / 1e6:8.1f} MB")
    large = ns >= 512
    print(f"fitted exponent for n >= 512: time {fit_exponent(ns[large], times[large]):.2f}, "
          f"memory {fit_exponent(ns[large], peaks[large]):.2f} (this machine, this run)")
