"""The stage words of the big CRMs, read from the data file shipped in the package
(``funnelcli/importers/stage_words.toml``) once per process, only by an import."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from funnelcli.importers.stages import vocabulary

#: The import's data files in the package (read as files, as the French catalogue is: no
#: importlib.resources machinery at each import).
DATA_DIR = Path(__file__).resolve().parent.parent.parent / "importers"


@cache
def stage_words() -> dict[str, str]:
    """``{folded word: funnel default stage}`` (see :func:`funnelcli.importers.stages.resolve`)."""
    text = (DATA_DIR / "stage_words.toml").read_text("utf-8")
    return vocabulary(tomllib.loads(text))
