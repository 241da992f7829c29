"""The plain-text backend: blocks as lines of text (no ANSI codes, no box drawing, no Rich)."""

from collections.abc import Sequence

from funnelcli.i18n import _
from funnelcli.render.reports.blocks import Bar, Block, Facts, Grid, Heading


def _plain_bar(bar: Bar) -> str:
    return "#" * bar.length(sum(bar.parts))


def _plain_grid(grid: Grid) -> list[str]:
    cells = [[c if isinstance(c, str) else _plain_bar(c) for c in row] for row in grid.rows]
    widths = [
        max(len(h), *(len(row[i]) for row in cells)) if cells else len(h)
        for i, h in enumerate(grid.headers)
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if i in grid.right else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    out = [grid.title, line(grid.headers)]
    out += [line(row) for row in cells] if cells else [_("(none)")]
    out += grid.notes
    return out


def plain_lines(items: Sequence[Block]) -> list[str]:
    out: list[str] = []
    for block in items:
        if out:
            out.append("")
        if isinstance(block, Heading):
            out.append(block.text)
            if block.detail:
                out.append(block.detail)
        elif isinstance(block, Facts):
            if block.title:
                out.append(block.title)
            width = max((len(label) for label, _ in block.rows), default=0)
            out += [f"  {label.ljust(width)}  {value}".rstrip() for label, value in block.rows]
        elif isinstance(block, Grid):
            out += _plain_grid(block)
        else:
            out.append(block.text)
    return out
