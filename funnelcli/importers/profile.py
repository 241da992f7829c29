"""CRM profiles: what one CRM's export looks like. A profile is data, a TOML file (shipped in
``funnelcli/importers/profiles/``, or the user's own in the app folder), parsed here from its
text; :func:`choose` picks the profile a header row matches.

A profile names the headers that tell its export (``signature``: all must be present, compared
as :func:`~funnelcli.importers.synonyms.header_key` compares headers), which column holds which
field (it wins over the synonyms; ``--map`` wins over it), its own stage words (over the shared
``stage_words.toml``), the columns that decide won or lost (``[[outcome]]``), a field that the
first non-empty cell of several columns gives (``[first-of]``) and how to name a row that has no
name (``unnamed``). See docs/moving-from-another-crm.md for the keys."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from funnelcli.errors import DataError
from funnelcli.i18n import _
from funnelcli.importers.stages import TARGETS
from funnelcli.importers.synonyms import IGNORE_WORDS, field_of, header_key
from funnelcli.text import fold

_KEYS = {"label", "signature", "columns", "stages", "outcome", "first-of", "unnamed"}


@dataclass(frozen=True, slots=True)
class Outcome:
    """When every ``(column, value)`` of ``when`` matches, the row is at ``stage`` (a default
    stage name: ``won``, ``lost``, ``qualified``…), whatever its stage columns say."""

    stage: str
    when: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Profile:
    name: str  # the file's stem: what --profile names
    label: str  # "Salesforce opportunities export"
    signature: tuple[str, ...]
    columns: dict[str, str] = field(default_factory=dict)  # header -> field (or "ignore")
    stages: dict[str, str] = field(default_factory=dict)  # word -> default stage
    outcomes: tuple[Outcome, ...] = ()
    first_of: dict[str, tuple[str, ...]] = field(default_factory=dict)  # field -> headers
    unnamed: str | None = None  # "{product} {opportunity_id}"

    def matches(self, keys: set[str]) -> bool:
        """Whether a header row (its :func:`header_key` set) carries the whole signature."""
        return all(header_key(h) in keys for h in self.signature)

    def preset(self) -> dict[str, str]:
        """Header -> field: ``[columns]``, and the first column of each ``[first-of]``."""
        found = {headers[0]: name for name, headers in self.first_of.items()}
        return {**found, **self.columns}

    def read(self) -> tuple[str, ...]:
        """The columns the profile's rules read (not imported as a field of their own)."""
        found = [h for rule in self.outcomes for h, _ in rule.when]
        found += [h for headers in self.first_of.values() for h in headers[1:]]
        if self.unnamed:
            found += template_columns(self.unnamed)
        return tuple(dict.fromkeys(found))


def template_columns(template: str) -> list[str]:
    """``"{product} {opportunity_id}"`` -> ``["product", "opportunity_id"]``."""
    return [part.split("}", 1)[0] for part in template.split("{")[1:]]


def choose(profiles: Iterable[Profile], headers: Sequence[str]) -> Profile | None:
    """The profile whose signature the headers carry; the most specific (the longest
    signature) wins, then the first by name."""
    keys = {header_key(h) for h in headers}
    found = [p for p in profiles if p.matches(keys)]
    if not found:
        return None
    return min(found, key=lambda p: (-len(p.signature), p.name))


def parse_profile(text: str, name: str, where: str) -> Profile:
    """A profile file's text; ``name`` is its stem, ``where`` names it in messages."""

    def bad(why: str) -> DataError:
        return DataError(_("the profile file {where}: {why}").format(where=where, why=why))

    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise bad(_("not valid TOML: {exc}").format(exc=exc)) from None
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise bad(
            _("unknown keys: {choices}; expected {choices2}").format(
                choices=", ".join(unknown), choices2=", ".join(sorted(_KEYS))
            )
        )
    label = data.get("label")
    signature = data.get("signature")
    if not isinstance(label, str) or not label.strip():
        raise bad(_('no label (label = "Name of the export")'))
    if not _strings(signature) or not signature:
        raise bad(_('no signature (signature = ["Header", …], the headers that tell it)'))
    columns = _table(data, "columns", bad)
    for header, target in columns.items():
        if target.strip().lower() not in IGNORE_WORDS and field_of("leads", target) is None:
            raise bad(
                _("[columns] {header!r} = {target!r}: unknown field").format(
                    header=header, target=target
                )
            )
    columns = {h: field_of("leads", t) or "ignore" for h, t in columns.items()}
    stages = _table(data, "stages", bad)
    for word, target in stages.items():
        if fold(target) not in TARGETS:
            raise bad(
                _("[stages] {word!r} = {target!r}: expected one of {choices}").format(
                    word=word, target=target, choices=", ".join(_targets())
                )
            )
    outcomes = []
    for rule in _rules(data, bad):
        stage, when = rule.get("stage"), rule.get("when")
        if not isinstance(stage, str) or fold(stage) not in TARGETS:
            raise bad(
                _("[[outcome]] stage = {stage!r}: expected one of {choices}").format(
                    stage=stage, choices=", ".join(_targets())
                )
            )
        if not isinstance(when, dict) or not when or not _strings(list(when.values())):
            raise bad(_('[[outcome]] needs when = { COLUMN = "value", … }'))
        outcomes.append(Outcome(fold(stage), tuple(when.items())))
    first_of: dict[str, tuple[str, ...]] = {}
    table = data.get("first-of", {})
    if not isinstance(table, dict):
        raise bad(_("[first-of] must map fields to lists of columns"))
    for target, headers in table.items():
        if field_of("leads", target) is None or not _strings(headers) or not headers:
            raise bad(
                _("[first-of] {target} must name a field and a list of columns").format(
                    target=target
                )
            )
        first_of[field_of("leads", target) or target] = tuple(headers)
    unnamed = data.get("unnamed")
    if unnamed is not None and (not isinstance(unnamed, str) or "{" not in unnamed):
        raise bad(_('unnamed must be a text naming columns in braces: "{product} {id}"'))
    return Profile(
        name=name,
        label=label.strip(),
        signature=tuple(signature),
        columns=columns,
        stages={w: fold(t) for w, t in stages.items()},
        outcomes=tuple(outcomes),
        first_of=first_of,
        unnamed=unnamed,
    )


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _targets() -> list[str]:
    return sorted(TARGETS)


def _table(data: dict[str, Any], key: str, bad: Any) -> dict[str, str]:
    value = data.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise bad(_("[{key}] must map names to names").format(key=key))
    return dict(value)


def _rules(data: dict[str, Any], bad: Any) -> list[dict[str, Any]]:
    value = data.get("outcome", [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise bad(_("outcome must be [[outcome]] tables"))
    return value
