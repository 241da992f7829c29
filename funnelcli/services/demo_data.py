"""The demo's world: lead sources and how each behaves, names, companies, promises, notes (in
English; :mod:`.demo_french` has the French one, for a French interface)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Profile:
    """How leads from one source behave."""

    weight: float  # share of all leads
    contact: float  # P(contacted)
    opportunity: float  # P(becomes an opportunity | contacted)
    win: float  # base P(won | opportunity closed)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SOURCES = {
    "web-form": Profile(0.36, 0.90, 0.22, 0.28),
    "referral": Profile(0.14, 0.97, 0.58, 0.52),
    "cold-call": Profile(0.18, 0.80, 0.10, 0.18),
    "event": Profile(0.14, 0.92, 0.32, 0.34),
    "linkedin": Profile(0.12, 0.85, 0.18, 0.24),
    "partner": Profile(0.06, 0.95, 0.46, 0.45),
}
FIRST = _words(
    "Marie Jean Luc Sophie Nathalie François Isabelle Martin Julie Éric Catherine Patrick "
    "Geneviève Mathieu Annie Stéphane Émilie Alexandre Chloé Olivier Sarah David Karine Simon "
    "Mélanie Hugo Valérie Louis Amélie Philippe Priya Wei Omar Fatima Liam Emma"
)
LAST = _words(
    "Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier "
    "Bélanger Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu "
    "Cloutier Dubé Poirier Fournier Lapointe Leclerc Lefebvre Poulin Smith Nguyen Martin "
    "Wilson Chen Haddad"
)
COMPANY_A = _words(
    "Acme Boréal Laurentides Maple Nordik Saint-Laurent Polaris Cèdre Fjord Horizon Granit "
    "Lumen Vertex Alto Cascade Orca Pivot Sagard Toundra Zénith"
)
COMPANY_B = _words(
    "Logistique Solutions Construction Médias Technologies Conseil Industries Santé "
    "Distribution Énergie Design Transport"
)
DECISION_MAKERS = (
    "CEO",
    "CFO",
    "owner",
    "IT director",
    "operations manager",
    "purchasing committee",
)
PREREQUISITES = (
    "security review", "board approval", "pilot project first", "budget in next fiscal year",
    "integration with their ERP", "legal review of the contract",
)  # fmt: skip
LOST_EARLY = ("not a fit", "no budget", "no response", "student, not a buyer")
LOST_LATE = ("price", "competitor", "timing", "no decision", "went silent", "budget cut")
PROMISES = (
    "send the proposal", "call back about pricing", "book a demo with the team",
    "send two case studies", "confirm the decision date", "check in after their board meeting",
    "send the revised quote", "introduce our technical lead",
)  # fmt: skip
NOTES = {
    "call": ("discovery call", "left a voicemail", "call went well", "talked budget"),
    "email": ("intro email", "sent brochure", "answered questions", "sent pricing"),
    "meeting": ("met the team on site", "lunch with the decision maker"),
    "demo": ("live demo of the product", "demo for the IT team"),
    "proposal": ("proposal sent", "revised proposal sent"),
}


@dataclass(frozen=True, slots=True)
class World:
    """The words the demo draws from (the draws are the same in every language: a seed makes
    the same funnel, worded in English or in French)."""

    sources: dict[str, str]  # the source's code (SOURCES) -> the value stored
    first: tuple[str, ...]
    last: tuple[str, ...]
    company_a: tuple[str, ...]
    company_b: tuple[str, ...]
    decision_makers: tuple[str, ...]
    prerequisites: tuple[str, ...]
    lost_early: tuple[str, ...]
    lost_late: tuple[str, ...]
    promises: tuple[str, ...]
    notes: dict[str, tuple[str, ...]]
    done: str  # a kept promise's note
    no_response: str  # why a lead never reached was lost
    qualified_at_once: str  # the note of a referral qualified on the first call
    company: str = "{a} {b}"  # a name of company_a and a word of company_b: Acme Logistique


ENGLISH = World(
    sources={code: code for code in SOURCES},
    first=FIRST,
    last=LAST,
    company_a=COMPANY_A,
    company_b=COMPANY_B,
    decision_makers=DECISION_MAKERS,
    prerequisites=PREREQUISITES,
    lost_early=LOST_EARLY,
    lost_late=LOST_LATE,
    promises=PROMISES,
    notes=NOTES,
    done="done",
    no_response="no response",
    qualified_at_once="qualified on the first call",
)


def world() -> World:
    """The demo's words in the interface's language."""
    from funnelcli.i18n import is_french

    if not is_french():
        return ENGLISH
    from funnelcli.services.demo_french import FRENCH

    return FRENCH


def ascii_name(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower().replace(" ", "")
