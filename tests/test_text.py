"""Text folding: the ASCII fast path agrees with the general Unicode rule."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from funnelcli.text import fold, fold_unicode


@given(st.text())
def test_fold_agrees_with_the_unicode_rule(text):
    assert fold(text) == fold_unicode(text)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_fold_of_ascii_text_agrees_with_the_unicode_rule(text):
    assert fold(text) == fold_unicode(text)


def test_fold_examples():
    assert fold(" Étape  Gagnée") == "etape gagnee"
    assert fold("  ACME\tInc. ") == "acme inc."
    assert fold("l’équipe") == "l'equipe"


def test_printable_text_needs_no_pattern():
    """``clean``, ``printable`` and ``one_line`` return text that ``str.isprintable`` accepts
    without compiling their patterns: sound only if every character a pattern looks for is one
    ``isprintable`` refuses. All the patterns' ranges lie below U+E000: every such code point."""
    import re

    from funnelcli import text

    every = "".join(map(chr, range(0xE000)))
    for pattern in (text._CONTROL, text._UNPRINTABLE, text._BREAKS):
        found = [m[0] for m in re.finditer(pattern, every)]
        assert len(found) >= 12  # the pattern is what it says
        assert [c for c in found if c.isprintable()] == []
    assert max(ord(c) for c in every) + 1 == 0xE000


@given(st.text())
def test_the_shortcut_changes_nothing(value):
    """The functions agree with their patterns applied as before the shortcut."""
    import re

    from funnelcli import text

    unprintable = re.compile(text._UNPRINTABLE)
    by_pattern = unprintable.sub(text._escape, value)
    assert text.printable(value) == by_pattern
    folded = " ".join(value.split()) if re.search(text._BREAKS, value) else value
    assert text.one_line(value) == unprintable.sub(text._escape, folded)
    assert text.clean(value) == (re.sub(text._CONTROL, "", value).strip() or None)
