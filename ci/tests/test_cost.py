"""Chapter 10: the measured cost grows roughly like n² (asserted loosely: timings vary between
machines and runs), local attention computed as a band equals the masked dense version, and the
window explorer's reach follows the window and the layers."""
import numpy as np

from attention_course import reference as ref
from attention_course.cost import random_qkv, time_attention
from attention_course.explorers.ch10_cost_of_attention import reachable


def test_attention_time_grows_roughly_quadratically():
    ns = np.array([512, 1024, 2048, 4096])  # large enough that the n² work dominates the fixed costs
    k = ref.fit_exponent(ns, time_attention(ns, d=64, repeats=5))
    assert 1.5 <= k <= 2.5, f"fitted exponent {k:.2f}"


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
