"""The Italian UI is complete: every catalogue is fully translated and compiled."""

import gettext
from pathlib import Path

import pytest
from django.utils import translation

from koinon.lib import po

KOINON = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(KOINON.glob("**/locale/it/LC_MESSAGES/django.po"))


def test_the_project_has_its_own_catalogue():
    assert KOINON / "locale/it/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(KOINON)))
def test_every_italian_entry_is_translated_and_none_is_fuzzy(path):
    assert po.problems(path) == []


def _expected(path: Path) -> dict:
    catalog = {}
    for entry in po.read(path):
        if entry.obsolete or entry.is_header or "fuzzy" in entry.flags or not entry.translated:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural:
            for index, text in entry.msgstr.items():
                catalog[(key, index)] = text
        else:
            catalog[key] = entry.msgstr[0]
    return catalog


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(KOINON)))
def test_the_compiled_catalogue_matches_its_source(path):
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run make messages"
    with mo.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)
    compiled.pop("", None)
    assert compiled == _expected(path), f"{mo} is stale: run make messages"


def test_no_app_string_is_duplicated_into_the_project_catalogue():
    project = {e.msgid for e in po.read(KOINON / "locale/it/LC_MESSAGES/django.po")}
    assert "Skip to content" in project, "base.html belongs to the project catalogue"
    assert "activity log" in project, "koinon/core belongs to the project catalogue"
    for path in CATALOGUES:
        if path.parts[-5] == "koinon":
            continue
        app_strings = {e.msgid for e in po.read(path) if not e.is_header}
        # The same words may be needed in both places, but whole sentences are not shared.
        shared = {s for s in project & app_strings if len(s.split()) > 4}
        assert not shared, f"{path} and the project catalogue both hold {sorted(shared)[:3]}"


def test_the_italian_pages_use_the_project_catalogue(client):
    with translation.override("it"):
        assert translation.gettext("Skip to content") == "Vai al contenuto"
    body = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Informativa sulla privacy" in body
    assert "Vai al contenuto" in body


def test_the_reader_understands_plurals_contexts_and_continuations():
    entries = po.parse(
        '# comment\n#, fuzzy, python-format\nmsgctxt "community"\nmsgid "Formal"\n'
        'msgstr "Formale"\n\nmsgid "one"\nmsgid_plural "many"\nmsgstr[0] ""\n'
        'msgstr[1] "molti"\n\nmsgid ""\n"long "\n"text"\nmsgstr "testo "\n"lungo"\n'
    )
    assert [(e.msgctxt, e.msgid) for e in entries] == [
        ("community", "Formal"),
        (None, "one"),
        (None, "long text"),
    ]
    assert entries[0].flags == {"fuzzy", "python-format"}
    assert not entries[1].translated and entries[1].msgstr == {0: "", 1: "molti"}
    assert entries[2].msgstr == {0: "testo lungo"} and entries[2].translated
