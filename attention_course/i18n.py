"""The language of what the helper package says: check messages, figure and widget labels.

    from attention_course.i18n import tr, set_language
    tr("{desc} gave {got}: divide by √d_k.", desc=desc, got=fmt(got))

``tr(template, **values)`` looks the English template up in the catalog of the
current language and fills in the values with ``str.format`` (so a literal brace
is written ``{{`` or ``}}`` in every template, with or without values). English is
the default and needs no catalog. The templates are the msgids of gettext catalogs
(``attention_course/locale/<lang>/LC_MESSAGES/*.po``, one per source module); a
template without a translation is shown in English.

A text fixed at import time (an explorer's ``title``, the labels of a drop-down's
options kept in a module-level dict) is marked with ``N_("...")``, which returns it
unchanged but lets ``ci/make_zh.py`` extract it like a ``tr()`` template (gettext's
``N_``); ``translate(text)`` gives it in the current language when it is shown:

    title = N_("softmax with a temperature")        # a class attribute: English, the key
    tr("[interactive figure: {title}]", title=translate(self.title))   # when displayed
"""
import os

LANGUAGES = ("en", "zh")
_state = {"language": os.environ.get("ATTENTION_COURSE_LANGUAGE", "en")}
_catalogs = {}


def set_language(language):
    """Use ``language`` ("en" or "zh") for everything the package says from now on."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    _state["language"] = language
    os.environ["ATTENTION_COURSE_LANGUAGE"] = language  # processes started from here (the grader's) follow


def language():
    return _state["language"]


def _catalog(language):
    if language not in _catalogs:
        _catalogs[language] = _load_catalog(language)
    return _catalogs[language]


def _load_catalog(language):
    """{English template: translated template} of ``language`` (empty for English, or without a catalog)."""
    if language == "en":
        return {}
    from pathlib import Path

    import polib

    folder = Path(__file__).resolve().parent / "locale" / language / "LC_MESSAGES"
    return {e.msgid: e.msgstr for path in sorted(folder.glob("*.po")) for e in polib.pofile(str(path))
            if e.msgstr and not e.fuzzy and not e.obsolete}


def tr(template, **values):
    """``template`` in the current language, with ``values`` filled in."""
    return _catalog(_state["language"]).get(template, template).format(**values)


def N_(template):
    """``template`` itself: marks a literal for the catalogs without translating it (see ``translate``)."""
    return template


def translate(template):
    """A template marked with ``N_`` (kept in a variable) in the current language, as ``tr(template)``."""
    return _catalog(_state["language"]).get(template, template).format()
