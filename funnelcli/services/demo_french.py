"""The demo's world in French (Québec): names, companies, sources, lost reasons, promises and
notes, for a French interface (issue 19). Same draws as the English one: only the words
differ."""

from __future__ import annotations

from funnelcli.services.demo_data import World, _words

FRENCH = World(
    sources={
        "web-form": "formulaire-web",
        "referral": "référence",
        "cold-call": "sollicitation",
        "event": "salon",
        "linkedin": "linkedin",
        "partner": "partenaire",
    },
    first=_words(
        "Marie Jean Luc Sophie Nathalie François Isabelle Martin Julie Éric Catherine Patrick "
        "Geneviève Mathieu Annie Stéphane Émilie Alexandre Chloé Olivier Sarah David Karine "
        "Simon Mélanie Hugo Valérie Louis Amélie Philippe Josée Sylvain Maude Guillaume Léa "
        "Félix"
    ),
    last=_words(
        "Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet "
        "Pelletier Bélanger Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron "
        "Beaulieu Cloutier Dubé Poirier Fournier Lapointe Leclerc Lefebvre Poulin Nadeau "
        "Vachon Thibault Desjardins Racine Gosselin"
    ),
    company_a=_words(
        "Boréal Laurentides Érable Nordik Saint-Laurent Polaris Cèdre Fjord Horizon Granit "
        "Lumen Vertex Alto Cascade Orca Pivot Sagard Toundra Zénith Mauricie"
    ),
    company_b=_words(
        "Logistique Solutions Construction Médias Technologies Conseil Industries Santé "
        "Distribution Énergie Design Transport"
    ),
    company="{b} {a}",  # Logistique Boréal
    decision_makers=(
        "PDG",
        "directrice financière",
        "propriétaire",
        "directeur TI",
        "directrice des opérations",
        "comité d'achat",
    ),
    prerequisites=(
        "revue de sécurité",
        "approbation du conseil",
        "projet pilote d'abord",
        "budget au prochain exercice",
        "intégration à leur PGI",
        "revue juridique du contrat",
    ),  # fmt: skip
    lost_early=("pas un bon client", "pas de budget", "aucune réponse", "étudiant, pas acheteur"),
    lost_late=(
        "prix",
        "concurrent",
        "échéancier",
        "aucune décision",
        "plus de nouvelles",
        "budget coupé",
    ),  # fmt: skip
    promises=(
        "envoyer la soumission",
        "rappeler au sujet du prix",
        "planifier une démo avec l'équipe",
        "envoyer deux études de cas",
        "confirmer la date de décision",
        "relancer après leur conseil d'administration",
        "envoyer la soumission révisée",
        "présenter notre responsable technique",
    ),  # fmt: skip
    notes={
        "call": ("appel de découverte", "message vocal laissé", "bon appel", "budget discuté"),
        "email": (
            "courriel de présentation",
            "brochure envoyée",
            "réponses aux questions",
            "prix envoyés",
        ),  # fmt: skip
        "meeting": ("rencontre de l'équipe sur place", "dîner avec le décideur"),
        "demo": ("démo du produit en direct", "démo pour l'équipe TI"),
        "proposal": ("soumission envoyée", "soumission révisée envoyée"),
    },
    done="fait",
    no_response="aucune réponse",
    qualified_at_once="qualifiée au premier appel",
)
