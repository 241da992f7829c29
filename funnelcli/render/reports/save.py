"""``funnel report --save``: the report drawn by Rich, written as an SVG picture or an HTML page."""

import io
from pathlib import Path

from funnelcli import outfiles
from funnelcli.errors import UsageError
from funnelcli.i18n import _
from funnelcli.kpis.reports import Report
from funnelcli.render.reports.layout import layout
from funnelcli.render.reports.with_rich import rich_renderables

SAVE_WIDTH = 100


def kind_of(path: Path) -> str:
    """``.svg``, ``.html`` or ``.htm``: what ``path`` will hold; any other name is refused."""
    kind = path.suffix.lower()
    if kind not in (".svg", ".html", ".htm"):
        raise UsageError(
            _("cannot save to {path!r}: expected a file name ending in .svg or .html").format(
                path=str(path)
            )
        )
    return kind


def save(report: Report, path: Path, *, live_db: Path | None, force: bool = False) -> None:
    """Draw the report with Rich and write it as an SVG picture or an HTML page
    (:func:`funnelcli.outfiles.write_file`: 0600, replaced only with ``force``)."""
    kind = kind_of(path)
    from rich.console import Console

    console = Console(
        file=io.StringIO(),
        record=True,
        width=SAVE_WIDTH,
        force_terminal=True,
        color_system="truecolor",
        highlight=False,
        emoji=False,
    )
    for renderable in rich_renderables(layout(report), SAVE_WIDTH):
        console.print(renderable)
    title = f"funnel report {report.header.section or ''}".strip()
    text = (
        console.export_svg(title=title)
        if kind == ".svg"
        else console.export_html(inline_styles=True)
    )
    outfiles.write_file(path, text.encode("utf-8"), live_db=live_db, force=force, what="report")
