"""The words a CSV header may use for each field (English, French and Spanish), per kind of
import."""

from __future__ import annotations

import functools

from funnelcli.text import fold


def header_key(text: str) -> str:
    """``'Date de création'`` -> ``'datedecreation'``: case, accents and punctuation ignored."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _table(text: str) -> dict[str, tuple[str, ...]]:
    """``field: synonym, synonym…`` lines -> {field: synonyms} (continuation lines indented)."""
    table: dict[str, tuple[str, ...]] = {}
    current = ""
    for raw in text.strip().splitlines():
        line = raw.strip()
        if not raw.startswith(" ") and ":" in line:
            current, _, line = line.partition(":")
            table[current] = ()
        table[current] += tuple(w.strip() for w in line.split(",") if w.strip())
    return table


_LEAD_REF = """
lead: lead, lead ref, prospect, client, contact
lead_id: lead id, lead_id, id du lead, id du prospect
lead_email: lead email, lead_email, email, e-mail, courriel, contact email, courriel du contact,
    email du lead
lead_external_id: lead external id, lead_external_id, external id, external_id, crm id,
    id externe, identifiant externe
"""

#: Header synonyms (English and French) of every field, per kind of import. Headers are compared
#: with case, accents, blanks and punctuation ignored (:func:`header_key`).
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "leads": _table("""
name: name, nom, full name, nom complet, contact, contact name, nom du contact, lead, lead name,
    prospect, nom du prospect, client name, nom du client, person, personne, deal name,
    opportunity name, nom de l'opportunité, nombre, nombre completo, contacto
first_name: first name, firstname, given name, prénom
last_name: last name, lastname, surname, family name, nom de famille
company: company, company name, entreprise, nom de l'entreprise, société, organisation,
    organization, organisme, compagnie, account, account name, compte, business, employer,
    employeur, raison sociale, firm, firme, empresa, compañía, cuenta
email: email, e-mail, email address, e-mail address, mail, courriel, adresse courriel,
    adresse électronique, adresse e-mail, adresse email, mél, contact email, work email, correo,
    correo electrónico
phone: phone, phone number, telephone, téléphone, tél, tel, numéro de téléphone,
    no de téléphone, mobile, cell, cellulaire, portable, contact phone, work phone, teléfono,
    móvil
source: source, lead source, provenance, origine, origin, canal, channel, source du lead,
    source du prospect, referral source, utm source
notes: notes, note, comments, comment, commentaires, commentaire, message, remarques, remarque,
    description, details, détails, observations
external_id: external id, external_id, id externe, identifiant externe, crm id, record id,
    lead id, contact id, opportunity id, deal id, référence
stage: stage, étape, phase, pipeline stage, deal stage, sales stage, stage name, étape du pipeline,
    étape de vente, stade, etapa, fase
status: status, statut, état, lead status, deal status, state, outcome, résultat
created: created, created at, created_at, created on, created date, date created,
    creation date, date de création, créé le, date, submitted, submitted at, submitted on,
    submission date, date de soumission, timestamp, horodatage, date d'entrée, received,
    create date, created time, creation time, date de creation,
    reçu le, lead date, date du lead, date d'inscription, signup date, fecha,
    fecha de creación
closed: closed, closed at, closed_at, closed on, close date, closed date, closing date,
    date closed, date de clôture, date de fermeture, date de conclusion, clôturé le, fermé le,
    won date, lost date
expected_close: expected close, expected_close, expected close date, expected closing date,
    estimated close date, forecast close date, date de clôture prévue, clôture prévue,
    date prévue, date de fermeture prévue, date de conclusion prévue
amount: amount, montant, value, valeur, deal value, deal amount, opportunity amount,
    expected revenue, revenue, revenu, chiffre d'affaires, budget, montant estimé,
    valeur estimée, valeur du contrat, contract value, price, prix, total, montant ht,
    montant ttc, importe, valor, monto
currency: currency, devise, monnaie, currency code, code devise, currency iso code,
    amount currency, currency of value
frequency: frequency, purchase frequency, fréquence, fréquence d'achat, recurrence,
    récurrence, billing frequency, facturation
price_only: price only, price_only, price is the only factor, only price matters,
    prix seulement, prix uniquement, seul critère prix, le prix est le seul critère
decision_maker: decision maker, decision_maker, décideur, qui décide, who decides,
    preneur de décision
contact_decides: contact decides, contact_decides, contact is decision maker,
    is decision maker, le contact décide, contact décideur, contact est le décideur
needs_approval: needs approval, needs_approval, approval required, executive approval,
    requires approval, approbation requise, approbation de la direction, approbation,
    besoin d'approbation
prerequisites: prerequisites, prérequis, préalables, conditions préalables,
    other prerequisites, autres prérequis, requirements, exigences
probability: probability, probabilité, win probability, probability (%),
    probabilité de gain, chance, chances
lost_reason: lost reason, lost_reason, loss reason, reason lost, closed lost reason,
    raison de la perte, motif de perte, motif de la perte, pourquoi perdu
"""),
    "follow-ups": _table(
        _LEAD_REF
        + """
text: text, promise, promesse, what, quoi, task, tâche, subject, sujet, description, action,
    next action, prochaine action, follow-up, suivi, relance, texte
due: due, due date, due_date, échéance, date d'échéance, date, when, quand, date de relance,
    date de suivi, follow-up date, next action date
due_time: due time, due_time, time, heure, heure d'échéance
created: created, created at, created_at, date de création, créé le
done: done, done at, done_at, completed, completed at, fait le, réalisé le, terminé le,
    date de réalisation
done_note: done note, done_note, outcome, résultat, compte rendu
status: status, statut, état
cancelled: cancelled at, cancelled_at, canceled at, annulé le
cancel_reason: cancel reason, cancel_reason, cancellation reason, raison de l'annulation
"""
    ),
    "activities": _table(
        _LEAD_REF
        + """
type: type, activity type, kind, genre, type d'activité, type d'action, action
text: text, description, note, notes, texte, subject, sujet, details, détails, commentaire,
    comment, summary, résumé
at: at, date, when, quand, date de l'activité, occurred at, activity date, timestamp,
    horodatage, date de l'action
"""
    ),
}

#: Words that mean "do not import this column" in ``--map COL=ignore``.
IGNORE_WORDS = frozenset({"", "-", "ignore", "ignorer", "skip", "none"})


@functools.cache
def _synonym_index(kind: str) -> dict[str, str]:
    """Built on first use, one kind at a time: ``funnel intake`` only needs the leads'."""
    index: dict[str, str] = {}
    for name, words in SYNONYMS[kind].items():
        index[header_key(name)] = name
        for word in words:
            index.setdefault(header_key(word), name)
    return index


def field_of(kind: str, text: str) -> str | None:
    """The field a header (or a ``--map`` target) means for this kind, or None."""
    return _synonym_index(kind).get(header_key(text))
