"""``--mapping FILE.toml``: the flags of a repeated, scripted import, parsed from the bytes the
caller read (see the README for its keys)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from typing import Any

from funnelcli.errors import DataError
from funnelcli.i18n import _
from funnelcli.importers.update_fields import FIELDS, unknown_fields

KINDS = ("leads", "follow-ups", "activities")


@dataclass(frozen=True, slots=True)
class MappingFile:
    """A ``--mapping FILE.toml``: the flags of a repeated, scripted import."""

    columns: dict[str, str] = field(default_factory=dict)
    stages: dict[str, str] = field(default_factory=dict)
    kind: str | None = None
    id_column: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    dayfirst: bool | None = None
    closed_without_opportunity: bool | None = None
    profile: str | None = None
    update_fields: tuple[str, ...] | None = None


_MAPPING_KEYS = {
    "columns", "stages", "kind", "id-column", "delimiter", "encoding", "dates",
    "closed-without-opportunity", "profile", "update-fields",
}  # fmt: skip


def parse_mapping(data: bytes, name: str) -> MappingFile:
    """A mapping file's bytes; ``name`` says which file in messages."""
    where = _("the mapping file {name}").format(name=name)
    try:
        table_of: dict[str, Any] = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise DataError(_("{where} is not UTF-8 text").format(where=where)) from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError(
            _("{where} is not valid TOML: {exc}").format(where=where, exc=exc)
        ) from None
    unknown = sorted(set(table_of) - _MAPPING_KEYS)
    if unknown:
        raise DataError(
            _("{where} has unknown keys: {unknown}; expected {expected}").format(
                where=where, unknown=", ".join(unknown), expected=", ".join(sorted(_MAPPING_KEYS))
            )
        )

    def table(key: str) -> dict[str, str]:
        value = table_of.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise DataError(
                _("{where}: [{key}] must map names to names").format(where=where, key=key)
            )
        return dict(value)

    def text(key: str) -> str | None:
        value = table_of.get(key)
        if value is not None and not isinstance(value, str):
            raise DataError(_("{where}: {key} must be a string").format(where=where, key=key))
        return value

    dates_value = text("dates")
    dayfirst: bool | None = None
    if dates_value is not None:
        order = dates_value.strip().lower()
        if order not in ("dayfirst", "monthfirst"):
            raise DataError(
                _("{where}: dates = {dates_value!r}, expected 'dayfirst' or 'monthfirst'").format(
                    where=where, dates_value=dates_value
                )
            )
        dayfirst = order == "dayfirst"
    closed = table_of.get("closed-without-opportunity")
    if closed is not None and not isinstance(closed, bool):
        raise DataError(
            _("{where}: closed-without-opportunity must be true/false").format(where=where)
        )
    update = table_of.get("update-fields")
    if update is not None:
        if not isinstance(update, list) or not all(isinstance(v, str) for v in update):
            raise DataError(
                _("{where}: update-fields must be a list of field names").format(where=where)
            )
        unknown_names = unknown_fields(update)
        if unknown_names:
            raise DataError(
                _("{where}: unknown field {names} in update-fields: {expected}").format(
                    where=where,
                    names=", ".join(map(repr, unknown_names)),
                    expected=_("expected some of {fields}").format(fields=", ".join(FIELDS)),
                )
            )
    kind = text("kind")
    if kind is not None and kind not in KINDS:
        raise DataError(
            _("{where}: kind = {kind!r}, expected one of {choices}").format(
                where=where, kind=kind, choices=", ".join(KINDS)
            )
        )
    return MappingFile(
        columns=table("columns"),
        stages=table("stages"),
        kind=kind,
        id_column=text("id-column"),
        delimiter=text("delimiter"),
        encoding=text("encoding"),
        dayfirst=dayfirst,
        closed_without_opportunity=closed,
        profile=text("profile"),
        update_fields=tuple(update) if update is not None else None,
    )
