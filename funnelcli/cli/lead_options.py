"""The options of the lead commands, defined once (``add``, ``edit``, ``qualify``)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from funnelcli.cli.complete import source_names, stage_names
from funnelcli.models import Frequency


def _option(help: str, *names: str, **settings: Any) -> Any:
    """An option without a default worth showing (its absence means "leave as is")."""
    return typer.Option(*names, help=help, show_default=False, **settings)


Company = Annotated[str | None, _option("Company name.")]
Email = Annotated[str | None, _option("Email address.")]
Phone = Annotated[str | None, _option("Phone number.")]
Source = Annotated[
    str | None,
    typer.Option(
        help="Where the lead came from: web-form, referral, cold-call, event…",
        autocompletion=source_names,
    ),
]
Amount = Annotated[
    str | None,
    _option(
        "Deal amount: 12000, '12 000,00 $', '$12,000.50', '9 500 €'.", "--amount", metavar="AMOUNT"
    ),
]
Currency = Annotated[str | None, _option("Currency code (default: the database's, CAD).")]
ExternalId = Annotated[str | None, _option("The lead's id in another system.", "--external-id")]
FrequencyOpt = Annotated[Frequency | None, _option("Purchase frequency.", case_sensitive=False)]
Term = Annotated[
    int | None,
    _option("Number of payments of a recurring deal, the first included (see --until).", "--term"),
]
Until = Annotated[
    str | None, _option("Last day a recurring deal bills: 2027-12-31, 31 dec.", "--until")
]
PriceOnly = Annotated[
    bool | None, _option("Is price the only decision factor?", "--price-only/--no-price-only")
]
DecisionMaker = Annotated[str | None, _option("Who decides (name or role).", "--decision-maker")]
ContactDecides = Annotated[
    bool | None,
    _option("Is your contact the decision maker?", "--contact-decides/--no-contact-decides"),
]
NeedsApproval = Annotated[
    bool | None, _option("Is executive approval required?", "--needs-approval/--no-approval")
]
Prerequisites = Annotated[str | None, _option("Other prerequisites before the purchase.")]
ExpectedClose = Annotated[
    str | None, _option("Expected close date: 2027-01-15, +30d, 15 jan.", "--expected-close")
]
Probability = Annotated[int | None, _option("Win probability override, 0-100 (else the stage's).")]
Unset = Annotated[
    list[str] | None, _option("Clear a field (repeatable): --unset phone.", "--unset")
]
Note = Annotated[str | None, _option("A note about the lead.")]
StageOption = Annotated[
    str | None, _option("Starting stage (default: the first).", autocompletion=stage_names)
]
