"""Which column holds which field: the header row matched against the synonyms of a kind,
``--map COLUMN=FIELD`` and ``--id-column`` first, then headers close to a synonym
(:mod:`.nearby`); unknown columns are ignored, with a warning when they look like data. When
several columns mean one field, the synonym listed first wins (``Phone`` over ``Mobile``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from funnelcli.errors import DataError, UsageError
from funnelcli.i18n import N_, _
from funnelcli.importers.nearby import name_hint, near_field
from funnelcli.importers.synonyms import IGNORE_WORDS, SYNONYMS, field_of, header_key


def resolve_field(kind: str, text: str, option: str = "--map") -> str | None:
    """A ``--map`` target: a field name or synonym; ``ignore`` means None. Unknown: exit 2."""
    if text.strip().lower() in IGNORE_WORDS:
        return None
    found = field_of(kind, text)
    if found is None:
        raise UsageError(
            _(
                "{option}: unknown field {text!r} for {kind}: expected one of {choices} (or "
                "'ignore')"
            ).format(option=option, text=text, kind=kind, choices=", ".join(SYNONYMS[kind]))
        )
    return found


def parse_pairs(values: Sequence[str], option: str) -> dict[str, str]:
    """``--map "Col=field"`` / ``--stage-map "Won=won"`` into a dict (the last one wins)."""
    pairs: dict[str, str] = {}
    for value in values:
        left, sep, right = value.partition("=")
        if not sep or not left.strip():
            raise UsageError(
                _("invalid {option} {value!r}: expected COLUMN=FIELD like 'Nom=name'").format(
                    option=option, value=value
                )
            )
        pairs[left.strip()] = right.strip()
    return pairs


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Which column holds which field; what is ignored."""

    kind: str
    headers: tuple[str, ...]
    fields: dict[str, int]  # field -> column index
    ignored: tuple[str, ...]  # columns not imported (unknown, or mapped to ignore)
    #: Fields several columns mean: (field, the column used, the columns ignored).
    collisions: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    #: Why some ignored columns may matter (their header looks like a field's).
    warnings: tuple[str, ...] = ()
    #: The ignored columns not named by ``--map COL=ignore`` (their values are looked at).
    unmapped: tuple[int, ...] = ()
    #: Columns a CRM profile's rules read (won/lost flags…), not imported as a field.
    read: tuple[str, ...] = ()
    #: The columns ``warnings`` name, in their order (the summary repeats them in one line).
    warned: tuple[str, ...] = ()
    #: funnel's own export (``funnel export``): it writes nothing for an empty value, so a cell
    #: ``N/A`` or ``none`` is a real value there (a lead named "None"), not a placeholder.
    own_export: bool = False

    def column(self, name: str) -> str:
        return self.headers[self.fields[name]]

    def describe(self) -> str:
        return ", ".join(f"{self.headers[i]}→{f}" for f, i in self.fields.items())


def map_columns(
    headers: Sequence[str],
    kind: str,
    overrides: dict[str, str] | None = None,
    *,
    id_column: str | None = None,
    display: str = "the file",
    preset: dict[str, str] | None = None,
    read: Sequence[str] = (),
) -> ColumnMap:
    """Match the header row against the synonyms of ``kind``; ``overrides`` wins (``--map``),
    then ``preset`` (a CRM profile's columns, those the file has), then the synonyms; the
    columns in ``read`` are a profile's flags: neither fields nor ignored."""
    explicit: dict[int, str | None] = {}

    def column_index(name: str, option: str) -> int:
        for i, header in enumerate(headers):
            if header == name:
                return i
        for i, header in enumerate(headers):
            if header_key(header) == header_key(name):
                return i
        raise DataError(
            _(
                "{file} has no column {name!r} (named by {option}); its columns are: {columns}"
            ).format(file=display, name=name, option=option, columns=", ".join(headers))
        )

    for name, target in (overrides or {}).items():
        explicit[column_index(name, "--map")] = resolve_field(kind, target)
    if id_column:
        target = "external_id" if kind == "leads" else "lead_external_id"
        explicit[column_index(id_column, "--id-column")] = target
    _add_preset(explicit, headers, kind, preset or {})
    flags = _find_read(explicit, headers, read)
    fields: dict[str, int] = {}
    by_synonym: dict[str, int] = {}
    for i, wanted in explicit.items():
        if wanted is None:
            continue
        if wanted in fields:
            raise UsageError(
                _(
                    "columns {value!r} and {value2!r} are both mapped to {wanted}: map only one"
                ).format(value=headers[fields[wanted]], value2=headers[i], wanted=wanted)
            )
        fields[wanted] = i
    ignored: list[str] = []
    near: dict[int, str] = {}
    collided: dict[str, list[str]] = {}
    for i, header in enumerate(headers):
        if i in explicit:
            if explicit[i] is None:
                ignored.append(header)
            continue
        found = field_of(kind, header)
        if found is None:
            near_found = near_field(kind, header)
            if near_found is not None:
                near[i] = near_found
            continue
        if found in fields:
            ignored.append(header)
            continue
        if found in by_synonym:
            # Several columns mean one field: the one whose header comes first among the
            # field's synonyms is used (Phone over Mobile), the others are ignored.
            rank = _synonym_rank(kind, found)
            held = by_synonym[found]
            if rank(header) < rank(headers[held]):
                by_synonym[found], i = i, held
            collided.setdefault(found, []).append(headers[i])
            continue
        by_synonym[found] = i
    fields.update(by_synonym)
    warnings: list[str] = []
    warned: list[str] = []
    # funnel's own export: its lead id, update time and cents are ignored on purpose.
    own = next((cols for cols in _OWN_EXPORTS if set(headers) >= cols), frozenset())
    for i, field in near.items():  # after the synonyms: an exact header wins
        if headers[i] in own:
            continue
        if field not in fields:
            fields[field] = i
        else:
            warned.append(headers[i])
            warnings.append(
                f"column {headers[i]!r} looks like {field}, which column "
                f"{headers[fields[field]]!r} gives: not imported{_silence(headers[i])}"
            )
    collided_headers = {h for hs in collided.values() for h in hs}  # warned about as collisions
    unmapped = [
        i
        for i, h in enumerate(headers)
        if i not in explicit and i not in fields.values() and h not in own | collided_headers
    ]
    for i in unmapped:
        if i not in near and (what := name_hint(headers[i])):
            warned.append(headers[i])
            warnings.append(
                f"column {headers[i]!r} looks like {what} but is not imported{_silence(headers[i])}"
            )
    ordered = {f: fields[f] for f in SYNONYMS[kind] if f in fields}
    ignored = [h for i, h in enumerate(headers) if i not in ordered.values() and i not in flags]
    collisions = tuple(
        (f, headers[ordered[f]], tuple(sorted(collided[f], key=headers.index)))
        for f in ordered
        if f in collided
    )
    return ColumnMap(
        kind,
        tuple(headers),
        ordered,
        tuple(ignored),
        collisions,
        tuple(warnings),
        tuple(unmapped),
        tuple(headers[i] for i in sorted(flags)),
        tuple(warned),
        bool(own),
    )


def _header_index(headers: Sequence[str], name: str) -> int | None:
    key = header_key(name)
    return next((i for i, header in enumerate(headers) if header_key(header) == key), None)


def _add_preset(
    explicit: dict[int, str | None], headers: Sequence[str], kind: str, preset: dict[str, str]
) -> None:
    """A profile's columns, below ``--map``: a column or field it already set is left alone."""
    taken = {f for f in explicit.values() if f is not None}
    for name, target in preset.items():
        i = _header_index(headers, name)
        if i is None or i in explicit:
            continue
        wanted = resolve_field(kind, target, "the profile")
        if wanted is not None:
            if wanted in taken:
                continue
            taken.add(wanted)
        explicit[i] = wanted


def _find_read(
    explicit: dict[int, str | None], headers: Sequence[str], read: Sequence[str]
) -> set[int]:
    """The columns of a profile's rules that nothing else maps: kept out of the fields."""
    found = set()
    for name in read:
        i = _header_index(headers, name)
        if i is not None and i not in explicit:
            explicit[i] = None
            found.add(i)
    return found


def _synonym_rank(kind: str, field: str) -> Callable[[str], int]:
    """A header's place among the synonyms of ``field`` (its priority: lower wins)."""
    keys = [header_key(w) for w in (field, *SYNONYMS[kind][field])]
    return lambda header: keys.index(header_key(header))


#: Columns of ``funnel export leads``/``follow-ups``/``activities`` that an import of it leaves
#: out (all of a set present: our file).
_OWN_EXPORTS = (
    frozenset({"id", "external_id", "updated_at", "amount_cents"}),
    frozenset({"id", "lead_id", "lead_name", "snooze_count", "cancel_reason"}),
    frozenset({"id", "lead_id", "lead_name", "follow_up_id"}),
)


def _silence(header: str) -> str:
    return f" (--map '{header}=FIELD' imports it, --map '{header}=ignore' silences this)"


_LEAD_FIELDS = {"lead", "lead_id", "lead_email", "lead_external_id"}
#: Per kind: the fields one of which must be mapped, and what they hold (for the message).
_NEEDS: dict[str, tuple[set[str], str]] = {
    "leads": (
        {"name", "first_name", "last_name", "company", "email", "phone"},
        N_("a lead's name, company, email or phone"),
    ),
    "follow-ups": (_LEAD_FIELDS, N_("the lead")),
    "activities": (_LEAD_FIELDS, N_("the lead")),
}


def required_columns(columns: ColumnMap, display: str) -> None:
    """Refuse a file none of whose columns can make the kind's records."""
    have = set(columns.fields)
    wanted, what = _NEEDS[columns.kind]
    missing = [] if have & wanted else [_(what)]
    if columns.kind == "follow-ups":
        missing += [
            _(w)
            for f, w in (("text", N_("the promise's text")), ("due", N_("the due date")))
            if f not in have
        ]
    if columns.kind == "activities" and "at" not in have:
        missing.append(_("the date"))
    if missing:
        raise DataError(
            _("no column of {display} holds {choices} (columns: {choices2})").format(
                display=display,
                choices=_(" or ").join(missing),
                choices2=", ".join(columns.headers),
            ),
            hint=_("name the column with --map 'COLUMN=FIELD'"),
        )
