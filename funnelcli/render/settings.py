"""What ``funnel config`` prints."""

from __future__ import annotations

from funnelcli.render import Output


def setting(out: Output, key: str, value: str, *, changed: bool) -> None:
    """``funnel config``: a setting, after changing it or not."""
    if changed:
        out.committed(f"the default {key} was set to {value}")
    out.line(f"{key} = {value}")
