"""Chapter 10: the cost of attention grows like n², shown with a deterministic measure — the bytes
NumPy allocates (tracemalloc), which do not depend on the machine's load — never with a wall-clock
time (timings are shown in the chapter's ignored-output cells and by ``python -m attention_course.cost``);
local attention computed as a band equals the masked dense version and its memory grows like n; the
window explorer's reach follows the window and the layers."""
import numpy as np

from attention_course import reference as ref
from attention_course.cost import attention_peak_bytes, blas_threads, one_blas_thread, peak_bytes, random_qkv
from attention_course.explorers.ch10_cost_of_attention import reachable


def test_attention_memory_grows_like_n_squared():
    ns = np.array([256, 512, 1024, 2048])
    peaks = attention_peak_bytes(ns, d=64)
    ratios = peaks[1:] / peaks[:-1]
    # doubling n multiplies the peak by 4, up to the O(n·d) arrays (Q Kᵀ is n × n; Q, K, V are n × 64)
    assert np.all((3.8 < ratios) & (ratios <= 4.0)), ratios
    assert 3.95 < ratios[-1] <= 4.0, ratios
    # at the peak, about three n × n float64 arrays are alive at once (scores, their exponentials, weights)
    assert 2.9 < peaks[-1] / (8 * ns[-1] ** 2) < 3.1
    assert 1.95 < ref.fit_exponent(ns, peaks) <= 2.0


def test_memory_measure_is_deterministic_and_counts_what_is_allocated():
    assert peak_bytes(lambda: np.zeros(1_000_000)) >= 8_000_000
    assert peak_bytes(lambda: None) < 10_000
    ns = np.array([512, 1024])
    # the same arrays every time; only a few small Python objects (tens of bytes) may come and go
    assert np.allclose(attention_peak_bytes(ns), attention_peak_bytes(ns), rtol=0, atol=1024)


def test_local_attention_memory_grows_like_n():
    ns = np.array([1024, 2048, 4096])
    peaks = attention_peak_bytes(ns, d=64, attention=lambda Q, K, V: ref.local_attention(Q, K, V, 16))
    ratios = peaks[1:] / peaks[:-1]
    assert np.all((1.9 < ratios) & (ratios < 2.1)), ratios
    dense = attention_peak_bytes(ns[-1:], d=64)[0]
    # n = 4096, w = 16, d = 64: at the peak one gathered array (the values of every window, n·33·64 numbers) is
    # alive with a few n·33 and n·64 arrays — the keys' array, as large, is freed first — against three n × n arrays
    gathered = ns[-1] * 33 * 64 * 8
    assert gathered < peaks[-1] < 1.1 * gathered
    assert peaks[-1] < dense / 4


def test_local_attention_band_equals_masked_dense():
    for n, w in [(50, 0), (50, 3), (7, 10)]:
        Q, K, V = random_qkv(n, 8, seed=n + w)
        out, band = ref.local_attention(Q, K, V, w)
        dense, weights = ref.scaled_dot_product_attention(Q, K, V, mask=ref.local_mask(n, w))
        assert np.allclose(out, dense)
        assert np.allclose(band.sum(axis=-1), 1) and band.shape == (n, 2 * w + 1)


def test_fit_exponent_recovers_a_power_law():
    n = np.array([100, 200, 400, 800])
    assert np.isclose(ref.fit_exponent(n, 3.0 * n**1.7), 1.7)


def test_reach_grows_by_one_window_per_layer():
    for w, layers in [(1, 1), (2, 3), (3, 2)]:
        reach = reachable(32, w, layers)
        assert reach[0].sum() == min(32, w * layers + 1)
        assert np.array_equal(reach, ref.local_mask(32, w * layers))


def test_timings_run_the_linear_algebra_on_one_thread_and_restore_it():
    before = blas_threads()
    with one_blas_thread() as done:
        assert done == (before is not None)  # the venv's NumPy bundles OpenBLAS, whose threads can be set
        if done:
            assert blas_threads() == 1
            with one_blas_thread():
                assert blas_threads() == 1
            assert blas_threads() == 1
    assert blas_threads() == before
