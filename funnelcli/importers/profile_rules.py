"""A profile's rules bound to a file's header row: the cells of ``[first-of]`` columns filled in,
the ``[[outcome]]`` that decides a row's stage from flag columns (``IsWon``, ``active``…), the
name of a row without one (``unnamed``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from funnelcli.importers.cells import collapse, parse_bool
from funnelcli.importers.problems import ValueProblem
from funnelcli.importers.profile import Profile, template_columns
from funnelcli.importers.rows import cell_text
from funnelcli.importers.synonyms import header_key
from funnelcli.models import Stage
from funnelcli.text import fold

#: A condition on one cell: does this cell (as written) match?
Test = Callable[[str], bool]


def cell_test(want: str) -> Test:
    """``"true"``/``"false"``: a yes/no cell; a number: that number (``0`` matches ``0.0``);
    ``"*"``: any value; ``""``: empty; else the word, accents and case ignored."""
    wanted = fold(want)
    if want == "*":
        return lambda text: bool(cell_text(text))
    if not wanted:
        return lambda text: not cell_text(text)
    if wanted in ("true", "false"):
        flag = int(wanted == "true")

        def is_flag(text: str) -> bool:
            try:
                return parse_bool(cell_text(text) or "unknown") == flag
            except ValueProblem:
                return False

        return is_flag
    from decimal import Decimal, InvalidOperation  # for the rules of a profile only

    try:
        number = Decimal(want)
    except InvalidOperation:
        return lambda text: fold(cell_text(text)) == wanted

    def is_number(text: str) -> bool:
        try:
            return Decimal(cell_text(text)) == number
        except InvalidOperation:
            return False

    return is_number


def _index(headers: Sequence[str]) -> Callable[[str], int | None]:
    keys: dict[str, int] = {}
    for i, header in enumerate(headers):
        keys.setdefault(header_key(header), i)
    return lambda name: keys.get(header_key(name))


class ProfileRows:
    """``profile``'s rules for a file with these ``headers``; ``resolve`` turns a default stage
    name into a stage of the pipeline (None: open; LookupError: the rule is left out)."""

    def __init__(
        self,
        profile: Profile,
        headers: Sequence[str],
        fields: dict[str, int],
        resolve: Callable[[str], Stage | None],
    ) -> None:
        index = _index(headers)
        self.fills: list[tuple[int, tuple[int, ...]]] = []
        for name, columns in profile.first_of.items():
            if name in fields:
                others = tuple(i for c in columns if (i := index(c)) is not None)
                self.fills.append((fields[name], tuple(i for i in others if i != fields[name])))
        self.outcomes: list[tuple[list[tuple[int, Test]], Stage | None]] = []
        for rule in profile.outcomes:
            tests = [(index(column), cell_test(want)) for column, want in rule.when]
            if any(i is None for i, _ in tests):
                continue  # the file lacks a column of the rule: it never applies
            try:
                stage = resolve(rule.stage)
            except LookupError:
                continue
            self.outcomes.append(([(i, t) for i, t in tests if i is not None], stage))
        self.unnamed: list[tuple[str, int | None]] | None = None
        if profile.unnamed:
            self.unnamed = [(c, index(c)) for c in template_columns(profile.unnamed)]
            self.template = profile.unnamed

    def fill(self, fields: list[str]) -> list[str]:
        """The row with each ``[first-of]`` field's empty cell taken from the next column."""
        for target, others in self.fills:
            if len(fields) > target and not cell_text(fields[target]):
                for i in others:
                    if i < len(fields) and cell_text(fields[i]):
                        fields = list(fields)
                        fields[target] = fields[i]
                        break
        return fields

    def outcome(self, fields: list[str]) -> tuple[bool, Stage | None]:
        """(True, the stage) of the first rule the row matches; (False, None) if none does."""
        for tests, stage in self.outcomes:
            if all(i < len(fields) and test(fields[i]) for i, test in tests):
                return True, stage
        return False, None

    def name(self, fields: list[str]) -> str | None:
        """The name ``unnamed`` makes of the row's cells (None: no such rule, or all empty)."""
        if self.unnamed is None:
            return None
        text = self.template
        filled = False
        for column, i in self.unnamed:
            value = cell_text(fields[i]) if i is not None and i < len(fields) else ""
            filled = filled or bool(value)
            text = text.replace("{" + column + "}", value)
        return collapse(text) if filled else None
