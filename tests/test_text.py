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
