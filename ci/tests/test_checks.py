"""Every check: the right answer passes, a stub is 'not attempted', any return value of the wrong
kind fails with a message (never an exception), and each typical mistake fails with its own message
and mistake id. Also the protocol: unknown ids raise, results display, inputs must not be changed.

The right answers and typical mistakes live in ci/tests/mistakes/, one module per chapter (named
like its notebook); this file runs them all."""
import importlib
import pkgutil

import numpy as np
import pytest

import mistakes
from attention_course import manifest
from attention_course import reference as ref
from attention_course.checks import CHAPTER_MODULES, REGISTRY, check, exercise_ids
from attention_course.checks.core import CHECK_ERROR, FAILED, NOT_ATTEMPTED, PASSED

MODULES = {m.name: importlib.import_module(f"mistakes.{m.name}") for m in pkgutil.iter_modules(mistakes.__path__)}
RIGHT = {e: f for m in MODULES.values() for e, f in m.RIGHT.items()}
MISTAKES = {e: cases for m in MODULES.values() for e, cases in m.MISTAKES.items()}


def stub(*args):
    raise NotImplementedError()


def _case(entry):
    """(wrong answer, mistake id, fragment of the message)."""
    assert len(entry) == 3, f"a typical mistake is (wrong answer, mistake id, fragment of its message): {entry!r}"
    return entry


# Return values of the wrong kind: every check must fail them with a message, never raise or pass.
WRONG_RETURNS = {
    "a string": "oops",
    "None": None,
    "a list of strings": ["a", "b"],
    "a dict": {"x": 1},
    "a set": {1, 2},
    "an empty tuple": (),
    "a 1-tuple": (1.0,),
    "a 3-tuple": (1.0, 2.0, 3.0),
    "a pair of strings": ("a", "b"),
    "a pair of Nones": (None, None),
    "a complex number": 1 + 2j,
    "a nan": float("nan"),
    "True": True,
    "an object": object(),
    "a 3-D array": np.zeros((2, 3, 4)),
    "an array of strings": np.array(["a", "b"]),
    "an empty array": np.array([]),
    "a ragged list": [[1.0], [1.0, 2.0]],
}


def test_manifest_registry_and_cases_agree():
    ids = [e.id for e in manifest.exercises()]
    assert ids == exercise_ids() == sorted(RIGHT, key=manifest.exercise_key) == sorted(MISTAKES, key=manifest.exercise_key)
    assert {e.id: e.function for e in manifest.exercises()} == {e: spec.name for e, spec in REGISTRY.items()}
    modules = [c.module for c in manifest.chapters()]
    assert CHAPTER_MODULES == modules, "one checks module per chapter of course.toml, named chNN_slug"
    assert sorted(MODULES) == modules, "one module in ci/tests/mistakes/ per chapter, named chNN_slug"
    for name, module in MODULES.items():
        chapter = manifest.chapter(int(name[2:4]))
        assert set(module.RIGHT) == {e.id for e in chapter.exercises}, name
    functions = [e.function for e in manifest.exercises()]
    assert len(functions) == len(set(functions)), "exercise function names must be unique in the whole course"


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_right_answer_passes(exercise):
    result = check(exercise, RIGHT[exercise])
    assert result.passed, result.message
    assert result.status == PASSED and "✅" in str(result) and result.mistake == ""


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_stub_is_not_attempted(exercise):
    result = check(exercise, stub)
    assert result.status == NOT_ATTEMPTED and not result.passed
    assert "not attempted yet" in str(result) and "NotImplementedError" in result.message


@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_crashing_answer_is_reported_not_raised(exercise):
    def crashes(*args):
        return [][1]

    result = check(exercise, crashes)
    assert result.status == FAILED and result.mistake == f"{exercise}/raised"
    assert "raised IndexError" in result.message


@pytest.mark.parametrize("label", sorted(WRONG_RETURNS))
@pytest.mark.parametrize("exercise", sorted(RIGHT))
def test_wrong_kind_of_return_value_fails_with_a_message(exercise, label):
    value = WRONG_RETURNS[label]
    result = check(exercise, lambda *args, **kwargs: value)
    assert result.status == FAILED, f"{exercise} passed an answer that returns {label}"
    assert not result.mistake.endswith(CHECK_ERROR), f"{exercise}, {label}: the check itself failed: {result.message}"
    assert result.message.strip()


@pytest.mark.parametrize("exercise, wrong, mistake_id, fragment",
                         [(e, *_case(c)) for e, items in MISTAKES.items() for c in items])
def test_typical_mistake_gets_its_own_message(exercise, wrong, mistake_id, fragment):
    result = check(exercise, wrong)
    assert result.status == FAILED, f"{exercise}: a wrong answer passed"
    assert fragment in result.message, result.message
    assert not result.mistake.endswith(CHECK_ERROR), result.message
    assert result.mistake == f"{exercise}/{mistake_id}", result.message


@pytest.mark.parametrize("exercise", sorted(MISTAKES))
def test_at_least_four_named_mistakes(exercise):
    """Cases with id "other" test the message for an answer the check cannot name; they do not count."""
    named = {_case(c)[1] for c in MISTAKES[exercise]} - {"other"}
    assert len(named) >= 4, f"{exercise} names only {sorted(named)}"


@pytest.mark.parametrize("exercise", sorted(MISTAKES))
def test_messages_are_distinct(exercise):
    messages = [check(exercise, _case(c)[0]).message for c in MISTAKES[exercise]]
    assert len(set(messages)) >= 4
    assert len(set(messages)) >= len({_case(c)[2] for c in MISTAKES[exercise]})


def test_not_a_function():
    result = check("1.1", 39.5)
    assert result.status == FAILED and "pass your function itself" in result.message
    assert result.mistake == "1.1/not-a-function"


def test_input_mutation_is_caught():
    def mutates(a, inc, lo, hi):
        inc[:] = 0
        return 39.5

    assert "changed its input array" in check("1.1", mutates).message


def test_unknown_exercise_raises():
    with pytest.raises(KeyError, match="no exercise"):
        check("99.9", stub)


def test_result_displays_as_html_and_text():
    result = check("1.1", ref.crisp_average)
    assert "<div" in result._repr_html_() and "passed" in result._repr_html_()
    assert str(result).startswith("✅ Exercise 1.1 passed:")
    wrong = check("1.1", lambda a, inc, lo, hi: "<b>")
    assert "<b>" not in wrong._repr_html_().split("</b>", 1)[1]  # the student's text is escaped


def test_masking_after_the_softmax_and_renormalising_is_accepted():
    """Zeroing masked weights and renormalising equals masking the scores: a right answer, not a mistake."""
    attn = MODULES["ch04_query_key_value"]._attn
    assert check("4.2", lambda Q, K, V, mask=None: attn(Q, K, V, mask, renorm=True)).passed
