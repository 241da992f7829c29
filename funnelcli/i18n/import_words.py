"""What ``funnel import`` says about rows, for people in French: the problems of invalid rows,
the rows merged into an earlier row's lead, the notes and warnings, the delimiter.

The import keeps these texts in English (its JSON and CSV, and the ``--rejects`` file's
``reason`` column, are the same in every language); they are worded here when shown. The
English path returns the same text as before. A text is worded by the first of
:data:`TEMPLATES` it fits (``{reason}`` and ``{note}`` parts are worded too); a text none fits
is shown as it is.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from funnelcli.i18n import N_, _, is_french, ngettext

if TYPE_CHECKING:
    from funnelcli.importers.dialect import Dialect
    from funnelcli.importers.problems import Problem
    from funnelcli.importers.summary import Merged, Summary

#: The English texts the import writes, as format strings (the catalogue's keys).
TEMPLATES = (
    # problems of a cell or a row
    N_("invalid email: expected an address like name@example.com"),
    N_("expected yes/no (oui/non, true/false, 1/0) or unknown"),
    N_("expected once, monthly, quarterly or yearly"),
    N_("expected a whole percentage from 0 to 100"),
    N_("expected a time like 14:30"),
    N_("expected open, done or cancelled"),
    N_("expected lead-won or lead-lost"),
    N_("expected call, email, meeting, demo, proposal, note or one custom word"),
    N_("expected an ISO 4217 code like CAD, USD or EUR, or a name like US Dollar"),
    N_("expected a date like 2026-03-15 or 15/03/2026"),
    N_("neither number can be the month"),
    N_("invalid time"),
    N_("year {year} is out of range"),
    N_("no month {month}: not a date with {flag}"),
    N_("no name, company, email or phone: nothing to import"),
    N_("no lead: give the lead's email, external id or id"),
    N_("no text: what was promised?"),
    N_("no due date"),
    N_("no date: when did it happen?"),
    N_("no such lead in the database"),
    N_("the created date is in the future"),
    N_("the close date is in the future"),
    N_("the done date is in the future"),
    N_("the date is in the future"),
    N_("the amount is in {named}, the currency column says {currency}"),
    N_("expected {n} fields (as in the header), found {found} (extra: {extra})"),
    N_("expected {n} fields (as in the header), found {found}"),
    N_(
        "a cancelled follow-up of an open lead: funnel cancels a promise when its lead is won "
        "or lost; import it as open or done"
    ),
    N_("unknown stage: expected one of {stages}, or map it with --stage-map '{value}=STAGE'"),
    # why a row was merged into an earlier row's lead
    N_("same external id"),
    N_("same email and name"),
    N_("same name, company and phone, no email"),
    N_("same deal: same name, company, email, stage, amount and dates"),
    # notes on the file and the rows
    N_(
        "line {line} is not UTF-8 (byte {byte}): read as cp1252 (Windows/Excel); --encoding to "
        "override"
    ),
    N_(
        "ignored {n} footer line after line {line} (after a blank line, fewer fields than the "
        "header: a report's footer, not data)"
    ),
    N_(
        "ignored {n} footer lines after line {line} (after a blank line, fewer fields than the "
        "header: a report's footer, not data)"
    ),
    N_(
        "dates in column {column} read day first (line {line}: {text} cannot be month first); "
        "--monthfirst to override"
    ),
    N_(
        "dates in column {column} read month first (line {line}: {text} cannot be day first); "
        "--dayfirst to override"
    ),
    N_(
        "amounts with a bare '$' in column {column} (line {line}: {text}) are read as "
        "{currency}, the database's currency; a currency column or 'USD 1,200' says otherwise"
    ),
    N_(
        "{n} lead(s) kept their first-touch source; the file's later source was recorded as a "
        "'source' action (funnel show LEAD lists it)"
    ),
    N_("{n} lead(s) got the file's notes appended to theirs, dated (notes are never replaced)"),
    N_(
        "line {line} closes lead {id} on {day}, before its last stage change in funnel "
        "({last}): closed on {closed} instead"
    ),
    N_(
        "line {line} closes lead {id} on {day}, before its creation in funnel ({created}): its "
        "creation was moved back to the close date (marked estimated)"
    ),
    N_(
        "line {line} closes lead {id} on {day}, before its creation in funnel ({created}): its "
        "creation was moved back to the file's created date, {date}"
    ),
    N_(
        "column {column} looks like {field}, which column {other} gives: not imported (--map "
        "{map} imports it, --map {ignore} silences this)"
    ),
    N_(
        "column {column} looks like {what} but is not imported (--map {map} imports it, --map "
        "{ignore} silences this)"
    ),
    N_(
        "column {column} holds {what} but is not imported (--map {map} imports it, --map "
        "{ignore} silences this)"
    ),
    N_(
        "{count} closed before their created date {where}: the close date in column {column} "
        "is kept, the created date is estimated from it (marked, left out of the sales cycle)"
    ),
    N_(
        "{count} with several emails in column {column} {where}: the first is the lead's "
        "email, the others are added to its notes ('Other emails: …')"
    ),
    # encodings
    N_("cp1252 (Windows/Excel; not UTF-8)"),
    N_("cp1252 (not UTF-8)"),
    N_("{codec} (guessed)"),
    N_("{codec} (from --encoding)"),
    # a note on the file (the last: it fits any text with a colon)
    N_("{file}: {note}"),
)
#: Parts worded too (the others, names and values, are shown as written).
_NESTED = ("note", "reason")
#: Short parts of a warning, worded by these templates only (what a column looks like, how
#: many rows, which lines): at the top level they would fit any text ending in "rows".
PARTS = (
    N_("{n} rows"),
    N_("{n} row"),
    N_("(lines {lines})"),
    N_("(line {line})"),
)
#: Why a queued web submission was refused at ``funnel intake --flush`` (kept in English in
#: its ``.reason`` file and the JSON, like an import's problems).
SUBMISSION_TEMPLATES = (
    N_("the submission is larger than {size} KiB"),
    N_("the submission is not UTF-8 text (byte {byte})"),
    N_("the submission is not JSON: {reason} (line {number})"),
    N_("the submission is not a JSON object (nor JSON lines of objects)"),
    N_("nothing to contact: the submission has neither email, phone nor name"),
)
_PART_KEYS = ("what", "count", "where")


@functools.cache
def _patterns(templates: tuple[str, ...]) -> list[tuple[re.Pattern[str], str]]:
    found = []
    for template in templates:
        parts = re.split(r"\{(\w+)\}", template)
        pattern = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
        )
        found.append((re.compile(pattern + r"\Z", re.S), template))
    return found


def reword(text: str, templates: tuple[str, ...] = TEMPLATES) -> str:
    """An English text in the interface's language: its own entry in the catalogue, else the
    first template it fits (its ``{note}`` and ``{reason}`` parts worded too), else as it is."""
    if not is_french() or not text:
        return text
    worded = _(text)
    if worded != text:
        return worded
    for pattern, template in _patterns(templates):
        found = pattern.match(text)
        if found:
            parts = {k: _part(k, v, templates) for k, v in found.groupdict().items()}
            return _(template).format(**parts)
    return text


def _part(key: str, value: str, templates: tuple[str, ...]) -> str:
    """A part of a matched text: a nested note or reason worded by ``templates``, a short part
    by :data:`PARTS`, a name or value as written."""
    if key in _NESTED:
        return reword(value, templates)
    if key in _PART_KEYS:
        return reword(value, PARTS)
    return value


def problem(p: Problem) -> str:
    """``line 3, column 'Email', value 'bo@': invalid email…`` (``Problem.describe``)."""
    if not is_french():
        return p.describe()
    where = _("line {line}").format(line=p.line)
    if p.column is not None:
        where += _(", column {column!r}").format(column=p.column)
    if p.value is not None:
        shown = p.value if len(p.value) <= 60 else p.value[:57] + "..."
        where += _(", value {value!r}").format(value=shown)
    return _("{where}: {reason}").format(where=where, reason=reword(p.reason))


def merged(m: Merged) -> str:
    """``line 9 merged into line 2 (same email and name)`` (``Merged.describe``)."""
    if not is_french():
        return m.describe()
    if m.into_line is not None:
        text = _("line {line} merged into line {into} ({reason})")
        return text.format(line=m.line, into=m.into_line, reason=reword(m.reason))
    text = _("line {line} merged into lead {lead} ({reason})")
    return text.format(line=m.line, lead=m.lead_id, reason=reword(m.reason))


def problem_lines(summary: Summary) -> list[str]:
    """The invalid rows for people (``Summary.problem_lines``): the unknown stage words of each
    column in one line, the other problems kept, how many rows are left unsaid."""
    if not is_french():
        return summary.problem_lines()
    from funnelcli.importers.stages import UNKNOWN_STAGE

    lines = []
    for column, counts in summary.unknown_stages.items():
        ranked = sorted(counts.items(), key=lambda item: -item[1])
        values = ", ".join(
            ngettext("{value!r} ({n} row)", "{value!r} ({n} rows)", n).format(value=value, n=n)
            for value, n in ranked
        )
        lines.append(
            _(
                "unknown stage values in column {column!r}: {values}: map them with "
                "--stage-map 'VALUE=STAGE'"
            ).format(column=column, values=values)
        )
    shown = [p for p in summary.problems if p.code != UNKNOWN_STAGE]
    lines.extend(problem(p) for p in shown)
    left = summary.rejected - summary.stage_only_rows - len({p.line for p in shown})
    if left > 0:
        lines.append(
            ngettext("… and {n} more invalid row", "… and {n} more invalid rows", left).format(
                n=left
            )
        )
    return lines


def delimiter(dialect: Dialect) -> str:
    """``',' (comma, detected)`` (``Dialect.label``)."""
    if not is_french():
        return dialect.label
    names = {",": _("comma"), ";": _("semicolon"), "\t": _("tab"), "|": _("pipe")}
    shown = _("tab") if dialect.delimiter == "\t" else f"'{dialect.delimiter}'"
    how = (
        _("detected")
        if dialect.detected
        else (_("sep= line") if dialect.sep_line else _("--delimiter"))
    )
    return _("{delimiter} ({name}, {how})").format(
        delimiter=shown, name=names.get(dialect.delimiter, dialect.delimiter), how=how
    )
