"""Every registered interactive figure, driven without a browser (Agg canvas)."""
import io
import warnings

import numpy as np
import pytest
from PIL import Image

from attention_course.explorers import EXPLORERS, TwoPeopleExplorer, WeightedAverageExplorer


def pixels(explorer):
    return np.asarray(explorer.fig.canvas.buffer_rgba()).copy()


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_step_changes_the_picture_without_warnings(name):
    explorer = EXPLORERS[name](interactive=False)
    explorer.refresh()
    assert explorer.bench_values, "the benchmark needs a sequence of control values"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(divide="raise", over="raise", invalid="raise"):  # underflow to 0 is fine
            for step in explorer.bench_values:
                before = pixels(explorer)
                unchanged = all(explorer.controls[k].value == v for k, v in step.items())
                explorer.set(**step)
                if not unchanged:
                    assert not np.array_equal(before, pixels(explorer)), f"{name}: {step} left the figure as it was"


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_blitted_frame_equals_a_full_render(name):
    explorer = EXPLORERS[name](interactive=False)
    explorer.refresh()
    for step in explorer.bench_values[::3]:
        explorer.set(**step)
    blitted = pixels(explorer)[..., :3].astype(int)
    full = np.asarray(Image.open(io.BytesIO(explorer.png())).convert("RGB")).astype(int)
    assert blitted.shape == full.shape
    assert (np.abs(blitted - full).max(axis=2) > 60).mean() < 0.005


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_display_bundle_has_a_still_image_and_stable_text(name):
    explorer = EXPLORERS[name](interactive=False)
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"] == f"[interactive figure: {explorer.title}]"
    assert bundle["image/png"]


def test_weighted_average_numbers_follow_the_sliders():
    ex = WeightedAverageExplorer(interactive=False)
    assert round(ex.result()["soft"], 3) == 38.817 and ex.result()["crisp"] == 39.5
    ex.set(sigma=2.0)
    assert round(ex.result()["soft"], 3) == 43.484
    ex.set(window=(58, 59))
    assert ex.result()["crisp"] is None
    assert "nobody is between 58 and 59" in ex.note.get_text()
    ex.set(sigma=0.1, query=47.0)
    assert "σ is tiny" in ex.note.get_text() and ex.result()["soft"] == pytest.approx(50.0)
    assert np.all(np.isfinite(ex.result()["weights"]))


def test_editing_a_person_moves_only_that_person():
    ex = WeightedAverageExplorer(interactive=False)
    ex.set(person="李四")
    assert ex.value("age") == 28 and ex.value("income") == 40
    ex.set(income=80.0)
    assert ex.incomes[1] == 80 and ex.incomes0[1] == 40
    ex.set(person="张三")
    assert ex.value("income") == 30 and ex.incomes[1] == 80


def test_two_people_average():
    ex = TwoPeopleExplorer(interactive=False)
    assert ex.average() == 35.0
    ex.set(w=0.8)
    assert ex.average() == pytest.approx(32.0)
