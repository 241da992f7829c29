"""The Rich backend: blocks as panels, tables and coloured bars (a terminal, ``--save``)."""

from collections.abc import Sequence
from typing import Any

from funnelcli.render.reports.blocks import Bar, Block, Facts, Grid, Heading

#: Cells up to this long are never wrapped (dates, amounts, currencies, percentages).
SHORT = 16

_COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "red", "bright_black")


def rich_renderables(items: Sequence[Block], width: int) -> list[Any]:
    from rich import box
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    class BarCell:
        """A bar that shrinks with its column: the table narrows it before wrapping a label."""

        def __init__(self, bar: Bar) -> None:
            self.bar = bar

        def __rich_measure__(self, console: Any, options: Any) -> Any:
            from rich.measure import Measurement

            return Measurement(min(self.bar.width, 8), self.bar.width)

        def __rich_console__(self, console: Any, options: Any) -> Any:
            bar = self.bar._replace(width=min(self.bar.width, options.max_width))
            text = Text()
            done = 0
            running = 0
            for i, part in enumerate(bar.parts):
                running += part
                end = bar.length(running)
                text.append("█" * (end - done), style=_COLOURS[i % len(_COLOURS)])
                done = end
            yield text

    out: list[Any] = []
    for block in items:
        if isinstance(block, Heading):
            title = Text(block.text, style="bold")
            if block.detail:
                title.append("\n" + block.detail, style="dim")
            out.append(title)
        elif isinstance(block, Facts):
            table = Table.grid(padding=(0, 2))
            table.add_column(style="dim")
            table.add_column()
            for label, value in block.rows:
                table.add_row(label, Text(value))
            out.append(Panel(table, title=block.title or None, title_align="left", expand=False))
        elif isinstance(block, Grid):
            if block.narrow is not None and not _fits(block, width):
                block = block.narrow
            table = Table(
                title=block.title,
                title_justify="left",
                title_style="bold",
                box=box.SIMPLE_HEAD,
                pad_edge=False,
                show_edge=False,
                padding=(0, 1),
                collapse_padding=True,
            )
            one_line = _one_line_columns(block, width)
            for i, header in enumerate(block.headers):
                table.add_column(
                    header,
                    justify="right" if i in block.right else "left",
                    min_width=one_line.get(i),
                )
            for row in block.rows:
                table.add_row(
                    *(
                        Text(c, no_wrap=i in one_line) if isinstance(c, str) else BarCell(c)
                        for i, c in enumerate(row)
                    )
                )
            out.append(table)
            if len(block.legend) > 1:
                legend = Text("  ")
                for i, name in enumerate(block.legend):
                    legend.append("█ ", style=_COLOURS[i % len(_COLOURS)])
                    legend.append(f"{name}  ")
                out.append(legend)
            for note in block.notes:
                out.append(Text(note, style="dim"))
        else:
            out.append(Text(block.text))
        out.append(Text(""))
    return out[:-1]


def _fits(block: Grid, width: int) -> bool:
    """Whether every column of ``block`` fits on one line at its natural width."""
    natural = [
        max([len(h), *(len(c) if isinstance(c, str) else 8 for c in column)])
        for h, column in zip(block.headers, zip(*block.rows, strict=False), strict=False)
    ]
    return sum(natural) + 2 * (len(natural) - 1) <= width


def _one_line_columns(block: Grid, width: int) -> dict[int, int]:
    """The columns kept on one line, with their width: short values (figures, a period, a
    currency) and the first column, when they fit at all (the bars narrow, and long text wraps,
    before them); else none, and Rich shortens what it must."""
    longest = [
        max((max(map(len, c.split("\n"))) if isinstance(c, str) else 99 for c in column), default=0)
        for column in zip(*block.rows, strict=False)
    ]
    words = [len(h) for h in block.headers]
    short = {
        i: max(longest[i], words[i]) for i in range(len(longest)) if i == 0 or longest[i] <= SHORT
    }
    needed = sum(short.get(i, 8) for i in range(len(block.headers)))
    return short if needed + 2 * (len(block.headers) - 1) <= width else {}
