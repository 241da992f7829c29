"""The CRM profiles an import may use: those shipped in the package
(``funnelcli/importers/profiles/*.toml``, read once per process) and the user's own
(``profiles/*.toml`` in the app folder, next to the default database; one with the name of a
shipped profile replaces it). Read only by ``funnel import``, never at start-up."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, partial
from pathlib import Path

from funnelcli.errors import UsageError, read_error
from funnelcli.i18n import _
from funnelcli.importers.columns import ColumnMap
from funnelcli.importers.profile import Profile, choose, parse_profile
from funnelcli.importers.profile_rules import ProfileRows
from funnelcli.importers.stages import resolve, vocabulary
from funnelcli.pipeline import Pipeline
from funnelcli.services.imports.vocabulary import DATA_DIR, stage_words

#: ``--profile none``: the generic synonyms only.
NO_PROFILE = "none"


@cache
def shipped() -> dict[str, Profile]:
    found = {}
    for entry in (DATA_DIR / "profiles").iterdir():
        if entry.name.endswith(".toml"):
            name = entry.name.removesuffix(".toml")
            found[name] = parse_profile(entry.read_text("utf-8"), name, f"funnelcli/{name}.toml")
    return dict(sorted(found.items()))


def user_profiles(folder: Path | None) -> dict[str, Profile]:
    """The user's ``*.toml`` profiles in ``folder`` (none when it does not exist)."""
    if folder is None or not folder.is_dir():
        return {}
    found = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise read_error(exc, _("the profile file {path}").format(path=path)) from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = "\ufffd"  # reported as invalid TOML, naming the file
        found[path.stem] = parse_profile(text, path.stem, str(path))
    return found


def known_profiles(folder: Path | None) -> dict[str, Profile]:
    return {**shipped(), **user_profiles(folder)}


def pick_profile(asked: str | None, headers: Sequence[str], folder: Path | None) -> Profile | None:
    """``--profile``: None recognises the export by its headers, ``none`` uses no profile,
    a name that profile (unknown: exit 2, the known names listed)."""
    if asked is not None and asked.strip().lower() == NO_PROFILE:
        return None
    known = known_profiles(folder)
    if asked is None:
        return choose(known.values(), headers)
    if asked not in known:
        raise UsageError(
            _("unknown profile {asked!r}: expected one of {NO_PROFILE}, {choices}").format(
                asked=asked, NO_PROFILE=NO_PROFILE, choices=", ".join(sorted(known))
            )
        )
    return known[asked]


def profile_words(profile: Profile | None) -> dict[str, str]:
    """The stage words of an import: the shared ones, then the profile's own over them."""
    words = stage_words()
    if profile is None or not profile.stages:
        return words
    return {**words, **vocabulary({profile.name: profile.stages})}


def profile_rows(
    profile: Profile | None, columns: ColumnMap, pipeline: Pipeline
) -> ProfileRows | None:
    """The profile's rules bound to the file (None: no profile, or one without rules)."""
    if profile is None or not (profile.outcomes or profile.first_of or profile.unnamed):
        return None
    return ProfileRows(profile, columns.headers, columns.fields, partial(resolve, pipeline))
