"""The stage words of the big CRMs, read from the data file shipped in the package
(``funnelcli/importers/stage_words.toml``) once per process, only by an import."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from funnelcli.importers.stages import vocabulary


@cache
def stage_words() -> dict[str, str]:
    """``{folded word: funnel default stage}`` (see :func:`funnelcli.importers.stages.resolve`)."""
    text = resources.files("funnelcli.importers").joinpath("stage_words.toml").read_text("utf-8")
    return vocabulary(tomllib.loads(text))
