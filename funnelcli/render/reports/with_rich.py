"""The Rich backend: blocks as panels, tables and coloured bars (a terminal, ``--save``)."""

from collections.abc import Sequence
from typing import Any

from funnelcli.render.reports.blocks import Bar, Block, Facts, Grid, Heading

_COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "red", "bright_black")


def rich_renderables(items: Sequence[Block]) -> list[Any]:
    from rich import box
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    def bar_text(bar: Bar) -> Text:
        text = Text()
        done = 0
        running = 0
        for i, part in enumerate(bar.parts):
            running += part
            end = bar.length(running)
            text.append("█" * (end - done), style=_COLOURS[i % len(_COLOURS)])
            done = end
        return text

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
            out.append(Panel(table, title=block.title, title_align="left", expand=False))
        elif isinstance(block, Grid):
            table = Table(
                title=block.title,
                title_justify="left",
                title_style="bold",
                box=box.SIMPLE_HEAD,
                pad_edge=False,
                show_edge=False,
                padding=(0, 1),
            )
            for i, header in enumerate(block.headers):
                table.add_column(header, justify="right" if i in block.right else "left")
            for row in block.rows:
                table.add_row(*(Text(c) if isinstance(c, str) else bar_text(c) for c in row))
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
