"""The French catalogue: complete, in step with the code, and compiled as committed.

The workflow (CONTRIBUTING.md): ``python scripts/extract_messages.py`` writes the template,
``pybabel update`` merges it into the ``.po``, ``pybabel compile`` writes the ``.mo``.
"""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "funnelcli/locale/fr/LC_MESSAGES/funnel.po"
MO = PO.with_suffix(".mo")


def catalogue():
    with PO.open("rb") as f:
        return read_po(f, locale="fr")


def test_the_committed_mo_is_the_compiled_po():
    compiled = io.BytesIO()
    write_mo(compiled, catalogue())
    assert compiled.getvalue() == MO.read_bytes(), (
        "run: pybabel compile -d funnelcli/locale -D funnel"
    )


def test_no_french_entry_is_missing_or_fuzzy():
    bad = []
    for message in catalogue():
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            bad.append(message.id)
    assert bad == []


def test_every_marked_string_is_in_the_catalogue(monkeypatch):
    """A string marked with ``_``/``ngettext``/``N_``, a column header or a command's help that
    the catalogue lacks fails here (then: extract, update, translate, compile)."""
    monkeypatch.setenv("FUNNEL_LANG", "en")
    spec = importlib.util.spec_from_file_location(
        "extract_messages", ROOT / "scripts/extract_messages.py"
    )
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    known = {message.id for message in catalogue()}
    wanted = {message.id for message in script.template() if message.id}
    assert sorted(map(str, wanted - known)) == []
    assert "Nothing overdue" in wanted and "Due" in wanted  # the extraction sees code and columns
    assert "Show the version." in wanted  # and help texts


def test_french_plurals_take_the_singular_for_zero_and_one():
    plural = catalogue().plural_expr
    assert plural == "(n > 1)"
