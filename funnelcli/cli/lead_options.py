"""The options of the lead commands, defined once (``add``, ``edit``, ``qualify``, moves)."""

from __future__ import annotations

from typing import Annotated

import typer

from funnelcli.cli.complete import stage_names
from funnelcli.models import Frequency

Company = Annotated[str | None, typer.Option(help="Company name.", show_default=False)]
Email = Annotated[str | None, typer.Option(help="Email address.", show_default=False)]
Phone = Annotated[str | None, typer.Option(help="Phone number.", show_default=False)]
Source = Annotated[
    str | None,
    typer.Option(help="Where the lead came from: web-form, referral, cold-call, event…"),
]
Amount = Annotated[
    str | None,
    typer.Option(
        "--amount",
        metavar="AMOUNT",
        help="Deal amount: 12000, '12 000,00 $', '$12,000.50', '9 500 €'.",
        show_default=False,
    ),
]
Currency = Annotated[
    str | None,
    typer.Option(help="Currency code (default: the database's, CAD).", show_default=False),
]
ExternalId = Annotated[
    str | None,
    typer.Option("--external-id", help="The lead's id in another system.", show_default=False),
]
FrequencyOpt = Annotated[
    Frequency | None,
    typer.Option(help="Purchase frequency.", case_sensitive=False, show_default=False),
]
PriceOnly = Annotated[
    bool | None,
    typer.Option(
        "--price-only/--not-price-only",
        help="Is price the only decision factor?",
        show_default=False,
    ),
]
DecisionMaker = Annotated[
    str | None,
    typer.Option("--decision-maker", help="Who decides (name or role).", show_default=False),
]
ContactDecides = Annotated[
    bool | None,
    typer.Option(
        "--contact-decides/--contact-does-not-decide",
        help="Is your contact the decision maker?",
        show_default=False,
    ),
]
NeedsApproval = Annotated[
    bool | None,
    typer.Option(
        "--needs-approval/--no-approval",
        help="Is executive approval required?",
        show_default=False,
    ),
]
Prerequisites = Annotated[
    str | None,
    typer.Option(help="Other prerequisites before the purchase.", show_default=False),
]
ExpectedClose = Annotated[
    str | None,
    typer.Option(
        "--expected-close",
        help="Expected close date: 2027-01-15, +30d, 15 jan.",
        show_default=False,
    ),
]
Probability = Annotated[
    int | None,
    typer.Option(help="Win probability override, 0-100 (else the stage's).", show_default=False),
]
Unset = Annotated[
    list[str] | None,
    typer.Option("--unset", help="Clear a field (repeatable): --unset phone.", show_default=False),
]
Note = Annotated[str | None, typer.Option(help="A note about the lead.", show_default=False)]
StageOption = Annotated[
    str | None,
    typer.Option(
        help="Starting stage (default: the first).",
        show_default=False,
        autocompletion=stage_names,
    ),
]
