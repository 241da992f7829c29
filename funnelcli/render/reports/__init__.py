"""Drawing the reports: JSON and CSV (stable contracts), plain text, Rich, and ``--save``.

One module per output: ``as_json`` (the JSON object; ``json_text`` writes it), ``as_csv``,
``layout`` (the report as blocks of text: ``blocks``, ``kpi_blocks``, ``deal_blocks``), drawn by
``plain`` for pipes and cron mails or by ``with_rich`` on a terminal; ``save`` writes the Rich
drawing as SVG or HTML. Rich is imported only for a terminal or ``--save``.
"""

from funnelcli.kpis.reports import Report
from funnelcli.render import Format, Output


def show(out: Output, report: Report, fmt: Format) -> None:
    """Write a report to ``out`` in the format asked."""
    if fmt is Format.JSON:
        from funnelcli.render.reports.as_json import to_json
        from funnelcli.render.reports.json_text import json_text

        out.out.write(json_text(to_json(report)) + "\n")
    elif fmt is Format.CSV:
        from funnelcli.render.reports.as_csv import to_csv

        keys, rows = to_csv(report)
        out.csv(rows, keys)
    elif out.terminal:
        from funnelcli.render.reports.layout import layout
        from funnelcli.render.reports.with_rich import rich_renderables

        console = out.console()
        for renderable in rich_renderables(layout(report), console.width):
            console.print(renderable)
    else:
        from funnelcli.render.reports.layout import layout
        from funnelcli.render.reports.plain import plain_lines

        for line in plain_lines(layout(report)):
            out.line(line)
