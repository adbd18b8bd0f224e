"""Every registered interactive figure, driven without a browser (Agg canvas)."""
import io
import re
import warnings

import numpy as np
import pytest
from PIL import Image

from attention_course import i18n
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


# What may stay in Latin letters in a Chinese explorer: tokens and data, symbols and formulas, names of terms.
LATIN_KEPT = re.compile(r"Chinese|softmax|argmax|LayerNorm|pre-LN|post-LN|Concat|ValueError|top-k|tanh|sin|cos|heads|"
                        r"d_k|d_model|W_[qkvo]|mathdefault|scores|[A-Za-z](?![A-Za-z])")


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_label_speaks_chinese_in_chinese(name, monkeypatch):
    """Built after set_language("zh"), an explorer shows no English word: not in its figure, its controls,
    its drop-down options or its text/plain; the controls' values stay the English keys."""
    english = EXPLORERS[name](interactive=False)
    monkeypatch.setitem(i18n._state, "language", "zh")
    explorer = EXPLORERS[name](interactive=False)
    explorer.refresh()
    texts = [t.get_text() for t in explorer.fig.findobj(lambda a: hasattr(a, "get_text"))]
    for control in explorer.controls.values():
        texts += [control.description, getattr(control, "tooltip", None) or ""]
        texts += list(getattr(control, "_options_labels", ()) or ())
    texts.append(explorer._repr_mimebundle_()["text/plain"])
    words = {w for text in texts for w in re.findall(r"[A-Za-z]{2,}", LATIN_KEPT.sub(" ", text))}
    assert not words, f"{name}: English left in Chinese: {sorted(words)}"
    assert {k: c.value for k, c in explorer.controls.items()} == {k: c.value for k, c in english.controls.items()}
