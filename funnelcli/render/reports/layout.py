"""Each report as blocks (``blocks``), every string one line and printable."""

from collections.abc import Callable
from typing import Any

from funnelcli.kpis.reports import Report
from funnelcli.render.reports.accuracy import accuracy_blocks
from funnelcli.render.reports.as_json import section_of
from funnelcli.render.reports.backtest import backtest_blocks
from funnelcli.render.reports.blocks import Block, printable
from funnelcli.render.reports.deal_blocks import (
    cycle_blocks,
    forecast_blocks,
    lost_blocks,
    paths_blocks,
)
from funnelcli.render.reports.kpi_blocks import (
    dashboard_blocks,
    funnel_blocks,
    kpis_blocks,
    monthly_blocks,
    sources_blocks,
)

_BLOCKS: dict[str, Callable[[Any], list[Block]]] = {
    "dashboard": dashboard_blocks,
    "kpis": kpis_blocks,
    "funnel": funnel_blocks,
    "sources": sources_blocks,
    "monthly": monthly_blocks,
    "forecast": forecast_blocks,
    "cycle": cycle_blocks,
    "paths": paths_blocks,
    "lost": lost_blocks,
    "accuracy": accuracy_blocks,
    "backtest": backtest_blocks,
}


def layout(report: Report) -> list[Block]:
    """The report as blocks of text for people: every string one line, made printable (stage
    names, sources and lost reasons are the user's text)."""
    return [printable(block) for block in _BLOCKS[section_of(report)](report)]
